-- +goose Up
-- Posts (岗位): a user holds one or more posts, each a role over a region
-- subtree; a session acts in one of them at a time (sessions.post_id). A
-- revoked post keeps its row, with the time it was revoked. Each existing
-- user's role and scope become its first post, and the sessions open now
-- act in it. A user created or reset by an administrator must change its
-- password at the next sign-in (must_change_password).
CREATE TABLE user_posts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX user_posts_user ON user_posts (user_id, id);
CREATE INDEX user_posts_region ON user_posts (region_code, role);
INSERT INTO user_posts (user_id, role, region_code, created_at)
    SELECT id, role, scope, created_at FROM users ORDER BY id;

ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN post_id INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET post_id = COALESCE((SELECT MIN(p.id) FROM user_posts p WHERE p.user_id = sessions.user_id), 0);
ALTER TABLE users DROP COLUMN role;
ALTER TABLE users DROP COLUMN scope;

-- +goose Down
-- A user keeps the role and scope of its first post still held (of its
-- first post if it holds none); its other posts are lost.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN scope TEXT NOT NULL DEFAULT '';
UPDATE users SET
    role = COALESCE((SELECT p.role FROM user_posts p WHERE p.user_id = users.id
        ORDER BY CASE WHEN p.revoked_at IS NULL THEN 0 ELSE 1 END, p.id LIMIT 1), ''),
    scope = COALESCE((SELECT p.region_code FROM user_posts p WHERE p.user_id = users.id
        ORDER BY CASE WHEN p.revoked_at IS NULL THEN 0 ELSE 1 END, p.id LIMIT 1), '');
ALTER TABLE sessions DROP COLUMN post_id;
ALTER TABLE users DROP COLUMN must_change_password;
DROP TABLE user_posts;
