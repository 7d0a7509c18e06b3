# English dates in one style, day before month, as the UN and FAO write them: "1 April 2006",
# never "April 1, 2006" nor "04/01/2006" (which a reader outside the US takes for January).
# Times on the 24-hour clock.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
