-- Assignments (issue 6): releases pushed by staff, deliveries into students' homes (with the hash of every file
-- delivered, to tell a student's edit from an untouched file), submissions, returned feedback and grades.
-- Times are Unix milliseconds (UTC).
CREATE TABLE assignments (
    course_id      TEXT    NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    section        TEXT    NULL,
    due_at         INTEGER NULL,
    refuse_late    INTEGER NOT NULL DEFAULT 0,
    latest_release INTEGER NOT NULL DEFAULT 0,
    readme         TEXT    NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (course_id, name)
);

CREATE TABLE assignment_releases (
    course_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    release    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    files      INTEGER NOT NULL,
    bytes      INTEGER NOT NULL,
    PRIMARY KEY (course_id, name, release),
    FOREIGN KEY (course_id, name) REFERENCES assignments(course_id, name) ON DELETE CASCADE
);

CREATE TABLE assignment_deliveries (
    course_id    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    release      INTEGER NOT NULL,
    delivered_at INTEGER NULL,
    conflicts    TEXT    NOT NULL DEFAULT '',
    error        TEXT    NULL,
    PRIMARY KEY (course_id, name, user_id),
    FOREIGN KEY (course_id, name) REFERENCES assignments(course_id, name) ON DELETE CASCADE
);

CREATE TABLE assignment_delivered_files (
    course_id TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    path      TEXT    NOT NULL,
    sha256    TEXT    NOT NULL,
    PRIMARY KEY (course_id, name, user_id, path),
    FOREIGN KEY (course_id, name) REFERENCES assignments(course_id, name) ON DELETE CASCADE
);

CREATE TABLE assignment_submissions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    submitted_at INTEGER NOT NULL,
    late         INTEGER NOT NULL,
    files        INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    folder       TEXT    NOT NULL,
    FOREIGN KEY (course_id, name) REFERENCES assignments(course_id, name) ON DELETE CASCADE
);
CREATE INDEX assignment_submissions_user ON assignment_submissions(course_id, name, user_id);

CREATE TABLE assignment_feedback (
    course_id   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    returned_at INTEGER NOT NULL,
    files       TEXT    NOT NULL,
    PRIMARY KEY (course_id, name, user_id),
    FOREIGN KEY (course_id, name) REFERENCES assignments(course_id, name) ON DELETE CASCADE
);

CREATE TABLE assignment_grades (
    course_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    score      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (course_id, name, user_id),
    FOREIGN KEY (course_id, name) REFERENCES assignments(course_id, name) ON DELETE CASCADE
);
