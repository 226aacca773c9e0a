package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// StateDir is the directory, inside the lab's working directory, that holds
// the state of a lab running in the background.
const StateDir = ".lab"

// StateVersion is the version of the state file format.
const StateVersion = 1

// State is what `steward lab serve` records in DIR/.lab/state.json for
// `status` and `down`: which process runs the lab and how to reach each of
// its services. It holds no password.
type State struct {
	Version   int           `json:"version"`
	PID       int           `json:"pid"`
	StartedAt time.Time     `json:"started_at"`
	Username  string        `json:"username"`
	Services  []ServiceInfo `json:"services"`
}

// StatePath is the state file of the lab serving dir.
func StatePath(dir string) string { return filepath.Join(dir, StateDir, "state.json") }

// WriteState records the state of the lab serving dir.
func WriteState(dir string, st State) error {
	if err := os.MkdirAll(filepath.Join(dir, StateDir), 0o700); err != nil {
		return err
	}
	st.Version = StateVersion
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(StatePath(dir), append(data, '\n'), 0o600)
}

// ErrNoLab means no lab state was found.
var ErrNoLab = errors.New("no lab is running")

// ReadState reads the state of the lab serving dir; ErrNoLab if there is
// none.
func ReadState(dir string) (State, error) {
	var st State
	data, err := os.ReadFile(StatePath(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return st, ErrNoLab
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("reading %s: %w", StatePath(dir), err)
	}
	if st.Version != StateVersion {
		return st, fmt.Errorf("%s has format version %d; this steward reads version %d", StatePath(dir), st.Version, StateVersion)
	}
	return st, nil
}

// RemoveState deletes the state file if it still belongs to process pid
// (a new lab may have replaced it).
func RemoveState(dir string, pid int) error {
	st, err := ReadState(dir)
	if err != nil || st.PID != pid {
		return nil
	}
	return os.Remove(StatePath(dir))
}
