package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// BackupJSONFormatVersion versions the -json output of `steward backup`
// commands; BACKUP-JSON.md documents it.
const BackupJSONFormatVersion = "1.0"

// WriteBackupJSON writes v, one of the Backup*JSON documents, as one line
// of JSON with the format version set.
func WriteBackupJSON(w io.Writer, v interface{ setVersion() }) error {
	v.setVersion()
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// jsonVersion is embedded in every Backup*JSON document.
type jsonVersion struct {
	FormatVersion string `json:"format_version"`
}

func (v *jsonVersion) setVersion() { v.FormatVersion = BackupJSONFormatVersion }

// BackupInitJSON is `backup init -json`.
type BackupInitJSON struct {
	jsonVersion
	ID            string `json:"id"`
	Location      string `json:"location"`
	FormatVersion int    `json:"repository_format_version"`
}

// SnapshotRow is one snapshot as the views show it.
type SnapshotRow struct {
	ID       string    `json:"id"`
	ShortID  string    `json:"short_id"`
	Time     time.Time `json:"time"`
	Host     string    `json:"host"`
	Username string    `json:"username,omitempty"`
	Policy   string    `json:"policy,omitempty"`
	Tags     []string  `json:"tags"`
	Paths    []string  `json:"paths"`
	// Size is the total size of the snapshot's files, in bytes.
	Size   uint64 `json:"size"`
	Files  uint64 `json:"files"`
	Parent string `json:"parent,omitempty"`
	Tree   string `json:"tree"`
}

// BackupSnapshotsJSON is `backup snapshots -json`.
type BackupSnapshotsJSON struct {
	jsonVersion
	Location  string        `json:"location"`
	Snapshots []SnapshotRow `json:"snapshots"`
}

// RenderSnapshots writes the snapshots as a table, oldest first.
func RenderSnapshots(w io.Writer, rows []SnapshotRow) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "No snapshots.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTime\tHost\tPolicy\tTags\tPaths\tSize")
	for _, r := range rows {
		paths := r.Paths
		if len(paths) == 0 {
			paths = []string{""}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ShortID, r.Time.Local().Format("2006-01-02 15:04:05"), r.Host,
			orDash(r.Policy), orDash(strings.Join(r.Tags, ",")), paths[0], Bytes(int64(r.Size)))
		for _, p := range paths[1:] {
			fmt.Fprintf(tw, "\t\t\t\t\t%s\t\n", p)
		}
	}
	fmt.Fprintf(tw, "%d %s\n", len(rows), plural(len(rows), "snapshot", "snapshots"))
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// BackupRunResult is one snapshot made by `backup run`.
type BackupRunResult struct {
	Policy   string   `json:"policy,omitempty"`
	Location string   `json:"location"`
	Snapshot string   `json:"snapshot"`
	Paths    []string `json:"paths"`
	// Files counts the files by how they compare with the parent snapshot.
	FilesNew        uint64        `json:"files_new"`
	FilesChanged    uint64        `json:"files_changed"`
	FilesUnmodified uint64        `json:"files_unmodified"`
	TotalFiles      uint64        `json:"total_files"`
	TotalBytes      uint64        `json:"total_bytes"`
	DataAdded       uint64        `json:"data_added"`
	DataStored      uint64        `json:"data_added_stored"`
	Duration        time.Duration `json:"duration_ns"`
	Warnings        []string      `json:"warnings"`
	// Forgotten lists the snapshots the policy's keep rules forgot after
	// the run; Pruned says whether unused data was deleted.
	Forgotten []string `json:"forgotten,omitempty"`
	Pruned    bool     `json:"pruned,omitempty"`
	// Error is set when this policy's run failed.
	Error string `json:"error,omitempty"`
}

// BackupRunJSON is `backup run -json`.
type BackupRunJSON struct {
	jsonVersion
	Runs []BackupRunResult `json:"runs"`
}

// RenderBackupRun describes one finished run in a few lines.
func RenderBackupRun(w io.Writer, r BackupRunResult) error {
	what := strings.Join(r.Paths, ", ")
	if r.Policy != "" {
		what = fmt.Sprintf("policy %q (%s)", r.Policy, what)
	}
	if r.Error != "" {
		_, err := fmt.Fprintf(w, "Backup of %s to %s failed: %s\n", what, r.Location, r.Error)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Snapshot %s of %s saved to %s.\n", short(r.Snapshot), what, r.Location)
	fmt.Fprintf(&b, "  Files: %d new, %d changed, %d unmodified; %d in total, %s\n", r.FilesNew, r.FilesChanged, r.FilesUnmodified, r.TotalFiles, Bytes(int64(r.TotalBytes)))
	fmt.Fprintf(&b, "  Added to the repository: %s (%s stored) in %s\n", Bytes(int64(r.DataAdded)), Bytes(int64(r.DataStored)), r.Duration.Round(time.Millisecond))
	for _, wn := range r.Warnings {
		fmt.Fprintf(&b, "  Warning: %s\n", wn)
	}
	if len(r.Forgotten) > 0 {
		fmt.Fprintf(&b, "  Keep rules forgot %d %s: %s\n", len(r.Forgotten), plural(len(r.Forgotten), "snapshot", "snapshots"), strings.Join(shortAll(r.Forgotten), ", "))
	}
	if r.Pruned {
		fmt.Fprintln(&b, "  Pruned: data only forgotten snapshots used was deleted")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func shortAll(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = short(id)
	}
	return out
}

// BackupRestoreJSON is `backup restore -json`.
type BackupRestoreJSON struct {
	jsonVersion
	Snapshot string   `json:"snapshot"`
	Target   string   `json:"target"`
	Files    uint64   `json:"files"`
	Dirs     uint64   `json:"dirs"`
	Bytes    uint64   `json:"bytes"`
	Damaged  []string `json:"damaged"`
	Warnings []string `json:"warnings"`
}

// RenderRestore describes a finished restore.
func RenderRestore(w io.Writer, r BackupRestoreJSON) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Restored snapshot %s to %s: %d %s, %d %s, %s.\n", short(r.Snapshot), r.Target,
		r.Files, plural(int(r.Files), "file", "files"), r.Dirs, plural(int(r.Dirs), "directory", "directories"), Bytes(int64(r.Bytes)))
	for _, wn := range r.Warnings {
		fmt.Fprintf(&b, "  Warning: %s\n", wn)
	}
	for _, d := range r.Damaged {
		fmt.Fprintf(&b, "  Not restored (damaged in the repository): %s\n", d)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// KeyRow is one key of a repository.
type KeyRow struct {
	ID       string    `json:"id"`
	Current  bool      `json:"current"`
	Username string    `json:"username"`
	Host     string    `json:"host"`
	Created  time.Time `json:"created"`
}

// BackupKeysJSON is `backup key list -json` (and `key add -json`, with
// the new key only).
type BackupKeysJSON struct {
	jsonVersion
	Keys []KeyRow `json:"keys"`
}

// RenderKeys writes the keys as a table; * marks the one in use.
func RenderKeys(w io.Writer, keys []KeyRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, " \tID\tUser\tHost\tCreated")
	for _, k := range keys {
		mark := " "
		if k.Current {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", mark, short(k.ID), k.Username, k.Host, k.Created.Local().Format("2006-01-02 15:04:05"))
	}
	return tw.Flush()
}

// CheckProblem is one finding of `backup check`.
type CheckProblem struct {
	Severity string `json:"severity"`
	Kind     string `json:"kind"`
	Message  string `json:"message"`
	Pack     string `json:"pack,omitempty"`
	Blob     string `json:"blob,omitempty"`
	Snapshot string `json:"snapshot,omitempty"`
	Path     string `json:"path,omitempty"`
}

// BackupCheckJSON is `backup check -json`.
type BackupCheckJSON struct {
	jsonVersion
	Location  string         `json:"location"`
	ReadData  bool           `json:"read_data"`
	OK        bool           `json:"ok"`
	Packs     int            `json:"packs"`
	Blobs     int            `json:"blobs"`
	Snapshots int            `json:"snapshots"`
	BytesRead int64          `json:"bytes_read"`
	Problems  []CheckProblem `json:"problems"`
}

// RenderCheck reports a check: every problem, errors first, and a verdict.
func RenderCheck(w io.Writer, c BackupCheckJSON) error {
	var b strings.Builder
	what := "structure"
	if c.ReadData {
		what = fmt.Sprintf("structure and all data (%s read)", Bytes(c.BytesRead))
	}
	fmt.Fprintf(&b, "Checked the %s of %s: %d %s, %d %s, %d %s.\n", what, c.Location,
		c.Snapshots, plural(c.Snapshots, "snapshot", "snapshots"), c.Packs, plural(c.Packs, "pack", "packs"), c.Blobs, plural(c.Blobs, "blob", "blobs"))
	var errs, warns int
	for _, sev := range []string{"error", "warning"} {
		for _, p := range c.Problems {
			if p.Severity != sev {
				continue
			}
			if sev == "error" {
				errs++
			} else {
				warns++
			}
			fmt.Fprintf(&b, "  %s: %s\n", sev, p.Message)
		}
	}
	switch {
	case errs > 0:
		fmt.Fprintf(&b, "The repository is damaged: %d %s, %d %s. Snapshots that use damaged data cannot be fully restored; run a new backup of the affected paths, and see the problems above for which files they are.\n",
			errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"))
	case warns > 0:
		fmt.Fprintf(&b, "No errors: the backups are whole. %d %s (space that steward backup prune can reclaim, or leftovers of interrupted runs).\n", warns, plural(warns, "warning", "warnings"))
	default:
		fmt.Fprintln(&b, "No errors: the backups are whole.")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// LsEntry is one file or directory in a snapshot.
type LsEntry struct {
	Path       string    `json:"path"`
	Type       string    `json:"type"`
	Mode       uint32    `json:"mode"`
	Size       uint64    `json:"size"`
	User       string    `json:"user,omitempty"`
	Group      string    `json:"group,omitempty"`
	ModTime    time.Time `json:"mtime"`
	LinkTarget string    `json:"link_target,omitempty"`
}

// BackupLsJSON is `backup ls -json`.
type BackupLsJSON struct {
	jsonVersion
	Snapshot string    `json:"snapshot"`
	Entries  []LsEntry `json:"entries"`
}

// RenderLs lists a snapshot's entries like ls -l.
func RenderLs(w io.Writer, entries []LsEntry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, e := range entries {
		name := e.Path
		if e.LinkTarget != "" {
			name += " -> " + e.LinkTarget
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%12d\t%s\t%s\n", modeString(e.Type, e.Mode), orDash(e.User), orDash(e.Group), e.Size,
			e.ModTime.Local().Format("2006-01-02 15:04"), name)
	}
	return tw.Flush()
}

// modeString renders a type and permission bits as ls does: drwxr-xr-x.
func modeString(typ string, mode uint32) string {
	kinds := map[string]byte{"dir": 'd', "symlink": 'l', "fifo": 'p', "socket": 's', "chardev": 'c', "dev": 'b', "blockdev": 'b'}
	k, ok := kinds[typ]
	if !ok {
		k = '-'
	}
	const rwx = "rwxrwxrwx"
	b := []byte{k}
	for i := 0; i < 9; i++ {
		if mode&(1<<uint(8-i)) != 0 {
			b = append(b, rwx[i])
		} else {
			b = append(b, '-')
		}
	}
	return string(b)
}

// DiffEntry is one path that differs between two snapshots.
type DiffEntry struct {
	Path string   `json:"path"`
	Kind string   `json:"kind"`
	What []string `json:"what"`
}

// BackupDiffJSON is `backup diff -json`.
type BackupDiffJSON struct {
	jsonVersion
	From     string      `json:"from"`
	To       string      `json:"to"`
	Added    int         `json:"added"`
	Removed  int         `json:"removed"`
	Modified int         `json:"modified"`
	Changes  []DiffEntry `json:"changes"`
}

// RenderDiff lists changes as + (added), - (removed) and M (modified, with
// what changed), then counts them.
func RenderDiff(w io.Writer, d BackupDiffJSON) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Comparing snapshot %s to %s:\n", short(d.From), short(d.To))
	for _, c := range d.Changes {
		switch c.Kind {
		case "added":
			fmt.Fprintf(&b, "+ %s\n", c.Path)
		case "removed":
			fmt.Fprintf(&b, "- %s\n", c.Path)
		default:
			fmt.Fprintf(&b, "M %s (%s)\n", c.Path, strings.Join(c.What, ", "))
		}
	}
	fmt.Fprintf(&b, "%d added, %d removed, %d modified.\n", d.Added, d.Removed, d.Modified)
	_, err := io.WriteString(w, b.String())
	return err
}

// ForgetEntry is one snapshot forget kept or removed, with the rules that
// kept it.
type ForgetEntry struct {
	Snapshot SnapshotRow `json:"snapshot"`
	Group    string      `json:"group"`
	Reasons  []string    `json:"reasons"`
}

// PruneSummary says what prune did (or would do).
type PruneSummary struct {
	Snapshots     int   `json:"snapshots"`
	UsedBlobs     int   `json:"used_blobs"`
	UnusedBlobs   int   `json:"unused_blobs"`
	PacksKept     int   `json:"packs_kept"`
	PacksRepacked int   `json:"packs_repacked"`
	PacksRemoved  int   `json:"packs_removed"`
	PacksWritten  int   `json:"packs_written"`
	BytesFreed    int64 `json:"bytes_freed"`
	BytesRepacked int64 `json:"bytes_repacked"`
}

// BackupForgetJSON is `backup forget -json`.
type BackupForgetJSON struct {
	jsonVersion
	Location string        `json:"location"`
	DryRun   bool          `json:"dry_run"`
	Rules    string        `json:"rules"`
	Kept     []ForgetEntry `json:"kept"`
	Removed  []ForgetEntry `json:"removed"`
	// Prune is set when --prune ran.
	Prune *PruneSummary `json:"prune,omitempty"`
}

// RenderForget lists, group by group, the snapshots kept with their
// reasons and those removed.
func RenderForget(w io.Writer, f *BackupForgetJSON) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Applying %s to the snapshots in %s:\n", f.Rules, f.Location)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, e := range f.Kept {
		fmt.Fprintf(tw, "  keep\t%s\t%s\t%s\t%s\n", e.Snapshot.ShortID, e.Snapshot.Time.Local().Format("2006-01-02 15:04:05"), e.Group, strings.Join(e.Reasons, ", "))
	}
	verb := "remove"
	if f.DryRun {
		verb = "would remove"
	}
	for _, e := range f.Removed {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\tno rule keeps it\n", verb, e.Snapshot.ShortID, e.Snapshot.Time.Local().Format("2006-01-02 15:04:05"), e.Group)
	}
	tw.Flush()
	switch {
	case f.DryRun:
		fmt.Fprintf(&b, "Dry run: %d kept, %d would be removed; nothing was changed.\n", len(f.Kept), len(f.Removed))
	case f.Prune != nil:
		fmt.Fprintf(&b, "%d kept, %d removed; prune freed %s.\n", len(f.Kept), len(f.Removed), Bytes(f.Prune.BytesFreed))
	default:
		fmt.Fprintf(&b, "%d kept, %d removed. Their data stays until steward backup prune.\n", len(f.Kept), len(f.Removed))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// BackupPruneJSON is `backup prune -json`.
type BackupPruneJSON struct {
	jsonVersion
	Location string `json:"location"`
	DryRun   bool   `json:"dry_run"`
	PruneSummary
}

// RenderPrune describes what prune did.
func RenderPrune(w io.Writer, p BackupPruneJSON) error {
	verb := "Pruned"
	if p.DryRun {
		verb = "Dry run, nothing changed: prune would have"
	}
	_, err := fmt.Fprintf(w, "%s %s: %d snapshots use %d blobs; %d unused blobs; %d packs removed, %d repacked (%s), %d written; %s freed.\n",
		verb, p.Location, p.Snapshots, p.UsedBlobs, p.UnusedBlobs, p.PacksRemoved, p.PacksRepacked, Bytes(p.BytesRepacked), p.PacksWritten, Bytes(p.BytesFreed))
	return err
}
