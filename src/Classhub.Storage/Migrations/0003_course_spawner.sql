-- Where a course's students' servers run: NULL = the hub's default spawner, else a spawner kind ('local-process',
-- 'slurm'). The slurm_* columns override the hub-wide slurm.* settings for this course (NULL = use those).
ALTER TABLE courses ADD COLUMN spawner TEXT NULL;
ALTER TABLE courses ADD COLUMN slurm_partition TEXT NULL;
ALTER TABLE courses ADD COLUMN slurm_time_limit TEXT NULL;
ALTER TABLE courses ADD COLUMN slurm_memory TEXT NULL;
ALTER TABLE courses ADD COLUMN slurm_cpus INTEGER NULL;
ALTER TABLE courses ADD COLUMN slurm_gpus INTEGER NULL;
