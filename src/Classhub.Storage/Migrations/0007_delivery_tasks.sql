-- Delivery work (issue 24): one row per student a release is to be delivered to, written in the transaction that
-- records the release, so the work of a push survives the process that started it (a CLI killed half-way, a hub
-- killed or stopped mid-delivery): another process claims what a dead one left and finishes it.
-- state: pending (to do), delivered, failed (error says why; retried later), superseded (a newer release or a
-- later delivery covered it, or the student left the course or its section). owner: the claim token of the process
-- that is to do it ("hub", or a CLI command's lock file under <data>/claims/), NULL when unclaimed.
CREATE TABLE assignment_delivery_tasks (
    course_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    release    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state      TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'superseded')),
    owner      TEXT    NULL,
    error      TEXT    NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (course_id, name, release, user_id),
    FOREIGN KEY (course_id, name) REFERENCES assignments(course_id, name) ON DELETE CASCADE
);
CREATE INDEX assignment_delivery_tasks_open ON assignment_delivery_tasks(state, owner) WHERE state = 'pending';
CREATE INDEX assignment_delivery_tasks_user ON assignment_delivery_tasks(course_id, name, user_id);
