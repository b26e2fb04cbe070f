-- A plain GET of wrk's URL with the headers given by -H; the JSON summary at the end.
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
require "report"
