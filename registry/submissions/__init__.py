"""Online filing (issue #19): enterprise users submit, the county bureau accepts or returns."""
