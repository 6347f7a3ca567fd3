-- Courses and their members (roster import, course staff). Times are Unix milliseconds (UTC).
-- A member is never deleted by an import, only marked dropped: their files and history stay.
CREATE TABLE courses (
    id         TEXT    PRIMARY KEY,
    title      TEXT    NOT NULL,
    term       TEXT    NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE course_members (
    course_id  TEXT    NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('student', 'ta', 'instructor')),
    name       TEXT    NULL,
    email      TEXT    NULL,
    section    TEXT    NULL,
    status     TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dropped')),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_members_user ON course_members(user_id);
