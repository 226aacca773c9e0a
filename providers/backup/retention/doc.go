// Package retention decides which snapshots a policy keeps, with the rules
// of restic's `forget` (as restic 0.14, the version Debian 12 ships, applies
// them), so that users who know restic get no surprise:
//
//   - Snapshots are first split into groups (by host and paths unless told
//     otherwise); the policy applies to each group on its own.
//   - In a group, snapshots are taken newest first. Last keeps the N newest.
//     Hourly, Daily, Weekly, Monthly and Yearly each keep the newest snapshot
//     of each of the N most recent hours, days, ISO weeks (Monday to
//     Sunday), months or years that have a snapshot. Periods are read in the
//     snapshot's own time zone, on natural boundaries, never relative to
//     now. -1 means no limit.
//   - Within keeps every snapshot made within that calendar span (years,
//     months, days, hours) before the group's newest snapshot, not before
//     now; snapshots dated in the future are never the reference, and are
//     kept by it. WithinHourly ... WithinYearly keep the newest snapshot of
//     every hour ... year within their span.
//   - Tags keeps every snapshot that has all the tags of one of its lists;
//     a list holding only "" matches snapshots without tags.
//   - A snapshot is kept if any rule keeps it; each kept snapshot lists
//     every rule that did ("daily snapshot", "within 30d", ...).
//   - A policy without any rule keeps everything.
//
// Later restic versions (0.16 and up) also keep a group's oldest snapshot
// when a counted rule has counts left ("oldest daily snapshot"); this
// package does so only when Policy.KeepOldest is set.
package retention
