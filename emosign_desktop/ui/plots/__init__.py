"""pyqtgraph plots on the video's frame axis."""
