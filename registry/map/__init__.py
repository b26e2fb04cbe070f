"""The risk map: enterprises by risk level over counties, rivers, sections and receptors."""
