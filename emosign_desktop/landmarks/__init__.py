"""MediaPipe Holistic landmarks on exact frames, their cache, and cue signals (numpy)."""
