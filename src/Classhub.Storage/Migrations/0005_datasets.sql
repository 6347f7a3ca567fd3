-- Datasets shared read-only with a course's active members, and Jupyter kernels registered from existing
-- environments (course_id NULL: for everyone). Times are Unix milliseconds (UTC).
-- Dataset names are unique across the hub: they become ~/datasets/<name> for students of several courses.
CREATE TABLE datasets (
    name       TEXT    PRIMARY KEY,
    course_id  TEXT    NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    path       TEXT    NOT NULL,
    added_at   INTEGER NOT NULL
);
CREATE INDEX datasets_course ON datasets(course_id);

CREATE TABLE kernels (
    name         TEXT    PRIMARY KEY,
    python       TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    course_id    TEXT    NULL REFERENCES courses(id) ON DELETE CASCADE,
    added_at     INTEGER NOT NULL
);
