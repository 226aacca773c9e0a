package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// VersionError reports a state file whose format version this build cannot
// read. A Found newer than Supported means the file was written by a newer
// steward, and the fix is to upgrade, not to edit the file.
type VersionError struct {
	Found, Supported int
}

func (e *VersionError) Error() string {
	if e.Found > e.Supported {
		return fmt.Sprintf("format version %d is newer than this steward understands (up to %d); upgrade steward to use this state", e.Found, e.Supported)
	}
	return fmt.Sprintf("format version %d is not valid (this steward reads version %d)", e.Found, e.Supported)
}

// versionHeader is decoded before anything else so that a file from a newer
// steward is reported as such, not as a pile of unknown-field errors.
type versionHeader struct {
	Version *int `json:"version"`
}

// fileV1 is the top-level object of a version 1 file. Version comes first
// so a person opening the file sees it first.
type fileV1 struct {
	Version int `json:"version"`
	*State
}

// Marshal returns the file contents for s: indented JSON with a trailing
// newline, resources in canonical order. It refuses a state that Unmarshal
// would reject, so a store never writes a file it cannot read back. s is not
// modified.
func Marshal(s *State) ([]byte, error) {
	if s == nil {
		return nil, errors.New("encoding state: state is nil")
	}
	c := s.DeepCopy()
	c.Sort()
	return marshalNormalized(c)
}

// marshalNormalized is Marshal for a state the caller already copied and
// sorted; it fills in empty collections in place.
func marshalNormalized(c *State) ([]byte, error) {
	if c.Resources == nil {
		c.Resources = []*Resource{}
	}
	if c.Outputs == nil {
		c.Outputs = map[string]*OutputValue{}
	}
	for _, r := range c.Resources {
		if r != nil && r.Instances == nil {
			r.Instances = []*Instance{}
		}
	}
	if err := validate(c); err != nil {
		return nil, fmt.Errorf("encoding state: %w", err)
	}
	out, err := json.MarshalIndent(fileV1{Version: FormatVersion, State: c}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding state: %w", err)
	}
	return append(out, '\n'), nil
}

// Unmarshal parses file contents produced by Marshal. It checks the format
// version before anything else, rejects unknown fields (an older steward
// that dropped them would lose data on its next write), and validates the
// result. Errors describe what is wrong but not where the file is; callers
// add that.
func Unmarshal(data []byte) (*State, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("file is empty")
	}
	if trimmed[0] != '{' {
		return nil, errors.New("file is not a JSON object; this is not a steward state file")
	}
	hdr, err := readVersion(data)
	if err != nil {
		return nil, describeJSONError(data, err)
	}
	if hdr.Version == nil {
		return nil, errors.New(`no "version" field; this is not a steward state file`)
	}
	if *hdr.Version != FormatVersion {
		return nil, &VersionError{Found: *hdr.Version, Supported: FormatVersion}
	}

	f := fileV1{State: &State{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, describeJSONError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		// Unreachable in practice: the header decode already rejected
		// trailing data. Kept so the strict decode stands on its own.
		return nil, errors.New("unexpected data after the state object")
	}
	s := f.State
	if s.Outputs == nil {
		s.Outputs = map[string]*OutputValue{}
	}
	if err := validate(s); err != nil {
		return nil, err
	}
	// A hand-edited file may be out of order; the in-memory invariant is
	// that it is sorted.
	s.Sort()
	return s, nil
}

// describeJSONError turns encoding/json errors into messages that say where
// in the file the problem is, and calls a cut-off file truncated, since that
// is the likely story (an interrupted copy) and points at the backup.
func describeJSONError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || err.Error() == "unexpected end of JSON input":
		return fmt.Errorf("file is truncated (JSON ends unexpectedly after %d bytes)", len(data))
	case errors.As(err, &syn) && strings.Contains(syn.Error(), "after top-level value"):
		line, col := lineCol(data, syn.Offset)
		return fmt.Errorf("unexpected data after the state object at line %d, column %d", line, col)
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return fmt.Errorf("malformed JSON at line %d, column %d: %w", line, col, err)
	case errors.As(err, &typ):
		// Fields of the embedded State are reported with its type name.
		field := strings.TrimPrefix(typ.Field, "State.")
		if field == "" {
			field = "top level"
		}
		line, col := lineCol(data, typ.Offset)
		return fmt.Errorf("wrong JSON type at %s (line %d, column %d): expected %s, found %s", field, line, col, typ.Type, typ.Value)
	default:
		return fmt.Errorf("malformed state: %w", err)
	}
}

func lineCol(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// validate checks the invariants the rest of steward relies on and that JSON
// decoding alone does not guarantee.
func validate(s *State) error {
	if s.Lineage == "" {
		return errors.New("lineage is empty")
	}
	seen := make(map[string]bool, len(s.Resources))
	for i, r := range s.Resources {
		if r == nil {
			return fmt.Errorf("resources[%d] is null", i)
		}
		if r.Mode != ModeManaged && r.Mode != ModeData {
			return fmt.Errorf("resource %s: mode %q is neither %q nor %q", r.Addr(), r.Mode, ModeManaged, ModeData)
		}
		if r.Type == "" || r.Name == "" {
			return fmt.Errorf("resources[%d]: type and name must not be empty", i)
		}
		if r.Provider == "" {
			return fmt.Errorf("resource %s: provider is empty", r.Addr())
		}
		addr := r.Addr()
		if seen[addr] {
			return fmt.Errorf("resource %s appears more than once", addr)
		}
		seen[addr] = true
		if err := validateInstances(r); err != nil {
			return err
		}
	}
	for name, o := range s.Outputs {
		if err := validateOutput(o); err != nil {
			return fmt.Errorf("output %q: %w", name, err)
		}
	}
	return nil
}

func validateInstances(r *Resource) error {
	keys := make(map[InstanceKey]bool, len(r.Instances))
	for i, inst := range r.Instances {
		if inst == nil {
			return fmt.Errorf("resource %s: instances[%d] is null", r.Addr(), i)
		}
		addr := r.InstanceAddr(inst.Key)
		if keys[inst.Key] {
			return fmt.Errorf("instance %s appears more than once", addr)
		}
		keys[inst.Key] = true
		if n, ok := inst.Key.Int(); ok && (n < 0 || n > math.MaxInt32) {
			return fmt.Errorf("instance %s: key is out of range", addr)
		}
		if inst.SchemaVersion < 0 {
			return fmt.Errorf("instance %s: schema_version is negative", addr)
		}
		for _, sa := range inst.Sensitive {
			if !validHash(sa.Hash) {
				return fmt.Errorf("instance %s: sensitive attribute %s: hash is not %s followed by 64 hex digits", addr, describePath(sa.Path), HashPrefix)
			}
		}
		for _, d := range inst.Dependencies {
			if d == "" {
				return fmt.Errorf("instance %s: empty dependency address", addr)
			}
		}
	}
	return nil
}

func validateOutput(o *OutputValue) error {
	if o == nil {
		return errors.New("is null")
	}
	ty, err := ctyjson.UnmarshalType(o.Type)
	if err != nil {
		return fmt.Errorf("type is not a valid type description: %w", err)
	}
	if o.Sensitive {
		if !jsonEqual(o.Value, json.RawMessage("null")) {
			return errors.New("is sensitive but has a value stored in clear")
		}
		if !validHash(o.Hash) {
			return fmt.Errorf("is sensitive but its hash is not %s followed by 64 hex digits", HashPrefix)
		}
		return nil
	}
	if o.Hash != "" {
		return errors.New("has a hash but is not marked sensitive")
	}
	if _, err := DecodeValue(o.Value, ty, nil); err != nil {
		return fmt.Errorf("value does not match its type: %w", err)
	}
	return nil
}

// readVersion finds the top-level "version" without decoding the rest:
// Marshal writes it first, so on a large state this reads a few bytes
// instead of the whole file. A file without it is read to the end.
func readVersion(data []byte) (versionHeader, error) {
	var hdr versionHeader
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return hdr, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return hdr, err
		}
		key, _ := tok.(string)
		if key == "version" {
			var v int
			if err := dec.Decode(&v); err != nil {
				return hdr, err
			}
			hdr.Version = &v
			return hdr, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return hdr, err
		}
	}
	return hdr, nil
}
