"""Media access without Qt: probing, fingerprints (exact frames and playback: issue 3)."""
