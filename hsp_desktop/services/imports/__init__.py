"""Import from the school's MIS: CSV exports and DfE Common Transfer Files.

One pipeline for both formats: a reader turns the file into raw pupils (``source``), the
normaliser checks every value (``normalise``), the planner matches them against the database
and says what would change (``matching``), and ``ImportService`` shows that plan (a dry run)
or applies it in one transaction (``service``). Kept free of heavy imports so that the command
line can register its sub-command cheaply.
"""
