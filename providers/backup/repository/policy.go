package repository

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/blob"
)

// policyFile is a policy document as stored (sealed). Files are named by
// content hash and never replaced in place: a new version is written first
// and the old ones removed after, so a crash leaves at least one version;
// readers take the newest.
type policyFile struct {
	Name string    `json:"name"`
	Time time.Time `json:"time"`
	Doc  []byte    `json:"doc"`
}

type policyEntry struct {
	file string
	pf   policyFile
}

func (r *Repository) policyFiles(ctx context.Context) ([]policyEntry, error) {
	files, err := r.ListFiles(ctx, backend.PolicyFile)
	if err != nil {
		return nil, err
	}
	var out []policyEntry
	for _, fi := range files {
		plain, err := r.LoadFile(ctx, backend.Handle{Type: backend.PolicyFile, Name: fi.Name})
		if err != nil {
			if errors.Is(err, backend.ErrNotExist) {
				continue
			}
			return nil, err
		}
		var pf policyFile
		if err := json.Unmarshal(plain, &pf); err != nil {
			return nil, fmt.Errorf("policy file %s is damaged: %w", fi.Name, err)
		}
		out = append(out, policyEntry{file: fi.Name, pf: pf})
	}
	// Newest first, so the first entry of a name is its current version.
	sort.SliceStable(out, func(i, j int) bool { return out[i].pf.Time.After(out[j].pf.Time) })
	return out, nil
}

// SavePolicy stores doc (opaque to the repository, encrypted) under name,
// replacing any earlier version.
func (r *Repository) SavePolicy(ctx context.Context, name string, doc []byte) error {
	if name == "" {
		return errors.New("save policy: empty name")
	}
	old, err := r.policyFiles(ctx)
	if err != nil {
		return err
	}
	t := time.Now().UTC()
	for _, e := range old {
		if e.pf.Name == name && !t.After(e.pf.Time) {
			t = e.pf.Time.Add(time.Nanosecond) // keep versions ordered despite clock steps
		}
	}
	data, err := json.Marshal(policyFile{Name: name, Time: t, Doc: doc})
	if err != nil {
		return fmt.Errorf("encode policy %q: %w", name, err)
	}
	newID, err := r.SaveFile(ctx, backend.PolicyFile, data)
	if err != nil {
		return fmt.Errorf("save policy %q: %w", name, err)
	}
	return r.removePolicyFiles(ctx, old, name, newID)
}

func (r *Repository) removePolicyFiles(ctx context.Context, entries []policyEntry, name string, keep blob.ID) error {
	for _, e := range entries {
		if e.pf.Name != name || e.file == keep.String() {
			continue
		}
		if err := r.be.Remove(ctx, backend.Handle{Type: backend.PolicyFile, Name: e.file}); err != nil && !errors.Is(err, backend.ErrNotExist) {
			return fmt.Errorf("remove old version of policy %q: %w", name, err)
		}
	}
	return nil
}

// LoadPolicy returns the current document stored under name, or an error
// matching ErrPolicyNotFound.
func (r *Repository) LoadPolicy(ctx context.Context, name string) ([]byte, error) {
	entries, err := r.policyFiles(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.pf.Name == name {
			return e.pf.Doc, nil
		}
	}
	return nil, fmt.Errorf("policy %q: %w", name, ErrPolicyNotFound)
}

// Policies returns every stored policy's current document by name, reading
// each policy file once.
func (r *Repository) Policies(ctx context.Context) (map[string][]byte, error) {
	entries, err := r.policyFiles(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte)
	for _, e := range entries { // newest first
		if _, seen := out[e.pf.Name]; !seen {
			out[e.pf.Name] = e.pf.Doc
		}
	}
	return out, nil
}

// ListPolicies returns the names of the stored policies, sorted.
func (r *Repository) ListPolicies(ctx context.Context) ([]string, error) {
	entries, err := r.policyFiles(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for _, e := range entries {
		if !seen[e.pf.Name] {
			seen[e.pf.Name] = true
			names = append(names, e.pf.Name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// RemovePolicy deletes every version of the named policy; removing a
// policy that does not exist gives ErrPolicyNotFound.
func (r *Repository) RemovePolicy(ctx context.Context, name string) error {
	entries, err := r.policyFiles(ctx)
	if err != nil {
		return err
	}
	found := false
	for _, e := range entries {
		found = found || e.pf.Name == name
	}
	if !found {
		return fmt.Errorf("remove policy %q: %w", name, ErrPolicyNotFound)
	}
	return r.removePolicyFiles(ctx, entries, name, blob.ID{})
}
