"""Agreement between annotators and aggregation of their labels (numpy, krippendorff)."""
