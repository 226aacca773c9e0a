package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newTestStore(t *testing.T) *LocalStore {
	t.Helper()
	return NewLocalStore(filepath.Join(t.TempDir(), "steward.state.json"))
}

func TestReadMissingFile(t *testing.T) {
	st, err := newTestStore(t).Read(context.Background())
	if st != nil || err != nil {
		t.Fatalf("got %v, %v; want nil, nil", st, err)
	}
}

func TestReadRejectsBadFiles(t *testing.T) {
	valid, err := Marshal(sampleState(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		data string
		want string
	}{
		"empty":          {"", "file is empty"},
		"whitespace":     {"  \n", "file is empty"},
		"truncated":      {string(valid[:len(valid)/2]), "truncated"},
		"truncated tiny": {`{"version": 1, "lin`, "truncated"},
		"syntax":         {"{\n\"version\": 1,,}", "line 2"},
		"not object":     {`[1,2]`, "not a JSON object"},
		"binary":         {"\x00\x01\x02", "not a JSON object"},
		"no version":     {`{"lineage": "x"}`, `no "version"`},
		"version string": {`{"version": "1"}`, "version"},
		"newer version":  {`{"version": 2, "whatever": [1]}`, "format version 2 is newer"},
		"zero version":   {`{"version": 0}`, "format version 0 is not valid"},
		"unknown field":  {`{"version": 1, "lineage": "x", "surprise": true}`, `unknown field "surprise"`},
		"trailing data":  {string(valid) + "{}", "after the state object"},
		"no lineage":     {`{"version": 1, "serial": 1}`, "lineage is empty"},
		"bad key":        {`{"version":1,"lineage":"l","resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"key":-3}]}]}`, "instance key -3"},
		"wrong type":     {`{"version":1,"lineage":"l","serial":"x"}`, "serial"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := newTestStore(t)
			if err := os.WriteFile(s.Path(), []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			st, err := s.Read(context.Background())
			if err == nil {
				t.Fatalf("accepted: %+v", st)
			}
			if !strings.Contains(err.Error(), s.Path()) {
				t.Errorf("error does not name the file: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}

	var verr *VersionError
	s := newTestStore(t)
	_ = os.WriteFile(s.Path(), []byte(`{"version": 7}`), 0o600)
	if _, err := s.Read(context.Background()); !errors.As(err, &verr) || verr.Found != 7 {
		t.Errorf("want a *VersionError, got %v", err)
	}
}

func TestReadErrorPointsAtBackup(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	st := sampleState(t)
	if err := s.Write(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.Serial++
	if err := s.Write(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Read(ctx)
	if err == nil || !strings.Contains(err.Error(), s.BackupPath()) {
		t.Fatalf("error does not mention the backup: %v", err)
	}
}

func TestWriteAndBackup(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()

	first := sampleState(t)
	if err := s.Write(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.BackupPath()); !os.IsNotExist(err) {
		t.Fatalf("backup made without a previous state: %v", err)
	}
	firstBytes, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(s.Path()); fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	if bytes.Contains(firstBytes, []byte("SECRET")) {
		t.Fatal("secret written to the state file")
	}

	second := first.DeepCopy()
	second.Serial++
	second.RemoveResource("", ModeData, "dns_zone", "z")
	if err := s.Write(ctx, second); err != nil {
		t.Fatal(err)
	}
	backup, err := os.ReadFile(s.BackupPath())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(backup, firstBytes) {
		t.Fatalf("backup is not the previous state file:\n%s", backup)
	}
	got, err := s.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second.Sort()
	if !got.Equal(second) || got.Serial != second.Serial {
		t.Fatal("read back a different state")
	}

	// No temporary files may be left behind.
	entries, _ := os.ReadDir(filepath.Dir(s.Path()))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 {
		t.Fatalf("directory holds %q, want only the state and its backup", names)
	}
}

func TestWriteRefusesOtherLineage(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if err := s.Write(ctx, sampleState(t)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path())

	other := sampleState(t) // fresh lineage
	other.Serial = 100
	err := s.Write(ctx, other)
	var lerr *LineageError
	if !errors.As(err, &lerr) || !errors.Is(err, ErrLineageMismatch) || lerr.Given != other.Lineage {
		t.Fatalf("want a *LineageError, got %v", err)
	}
	after, _ := os.ReadFile(s.Path())
	if !bytes.Equal(before, after) {
		t.Fatal("refused write changed the file")
	}
}

func TestWriteSerialRules(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	st := sampleState(t)
	st.Serial = 5
	if err := s.Write(ctx, st); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path())

	// Same content under an older or equal serial is a harmless no-op.
	same := st.DeepCopy()
	same.Serial = 2
	same.StewardVersion = "newer"
	if err := s.Write(ctx, same); err != nil {
		t.Fatalf("equal content refused: %v", err)
	}
	if after, _ := os.ReadFile(s.Path()); !bytes.Equal(before, after) {
		t.Fatal("no-op write changed the file")
	}

	changed := st.DeepCopy()
	changed.Resources[0].Instances[0].Tainted = true
	for _, serial := range []uint64{5, 4} {
		changed.Serial = serial
		err := s.Write(ctx, changed)
		var serr *StaleSerialError
		if !errors.As(err, &serr) || !errors.Is(err, ErrStaleSerial) || serr.Stored != 5 || serr.Given != serial {
			t.Fatalf("serial %d: want a *StaleSerialError, got %v", serial, err)
		}
	}
	changed.Serial = 6
	if err := s.Write(ctx, changed); err != nil {
		t.Fatal(err)
	}
}

func TestWriteRefusesToOverwriteCorruptFile(t *testing.T) {
	s := newTestStore(t)
	if err := os.WriteFile(s.Path(), []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := s.Write(context.Background(), sampleState(t))
	if err == nil || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("want an error naming the file, got %v", err)
	}
	if data, _ := os.ReadFile(s.Path()); string(data) != "{garbage" {
		t.Fatal("corrupt file was overwritten")
	}
}

func TestWriteRefusesInvalidState(t *testing.T) {
	s := newTestStore(t)
	if err := s.Write(context.Background(), &State{}); err == nil {
		t.Fatal("wrote a state without lineage")
	}
	if err := s.Write(context.Background(), nil); err == nil {
		t.Fatal("wrote a nil state")
	}
	if _, err := os.Stat(s.Path()); !os.IsNotExist(err) {
		t.Fatal("a refused write created the file")
	}
}

// TestWriteIsAtomicForReaders checks that a reader racing with writers only
// ever sees a complete state, which a non-atomic write (truncate, then
// write) would break.
func TestWriteIsAtomicForReaders(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	st := sampleState(t)
	// Make the file large enough that a partial write is likely to be seen.
	for i := range 40 {
		st.EnsureResource("", ModeManaged, "bulk", fmt.Sprintf("r%03d", i), "p").
			EnsureInstance(NoKey).Attributes = []byte(`{"pad":"` + strings.Repeat("z", 4000) + `"}`)
	}
	if err := s.Write(ctx, st); err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for range 20 {
			st.Serial++
			if err := s.Write(ctx, st); err != nil {
				t.Error(err)
				return
			}
		}
	})
	reader := NewLocalStore(s.Path())
	reads := 0
	for {
		select {
		case <-done:
			wg.Wait()
			if reads == 0 {
				t.Fatal("no reads happened")
			}
			return
		default:
		}
		got, err := reader.Read(ctx)
		if err != nil || got == nil {
			t.Fatalf("reader saw a broken state: %v", err)
		}
		reads++
	}
}
