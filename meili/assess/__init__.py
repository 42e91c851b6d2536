"""Assessment: targets, progress, national comparison and composite indices."""
