"""The video player: an exact-frame view, transport controls and keys, following the
playback model (:class:`emosign_desktop.media.playhead.Playhead`)."""
