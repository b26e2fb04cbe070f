"""Pure geography for the registry: layers, spatial analysis and map rendering.

Never imports ``registry``; every function takes GeoDataFrames or plain values.
"""
