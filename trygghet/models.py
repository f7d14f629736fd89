# The project app owns no tables; this module lets Django send it post_migrate (schedules).
