package plan

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"github.com/zclconf/go-cty/cty/msgpack"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/schema"
)

// The layout is described in FORMAT.md; keep the two in step.
const (
	fileMagic = "steward-plan\n"

	// FormatVersion is the plan file format this build writes, and the only
	// one it reads. Plan files live minutes to days, between a plan and its
	// apply, so there is no reader for older versions: re-planning is always
	// possible and cheaper than carrying converters.
	FormatVersion = 1

	// maxBodySize bounds the decompressed JSON so that a small crafted file
	// cannot make ReadFrom allocate without limit (gzip expands up to ~1000x).
	maxBodySize = 1 << 30

	// maxNesting matches encoding/json's own nesting limit. cty decodes types
	// and msgpack values recursively; bounding the depth first keeps a
	// crafted file from exhausting the stack, which no recover can catch.
	maxNesting = 10000

	// maxVersionLine is generous for any decimal int plus its newline; a
	// longer line is not a version line.
	maxVersionLine = 12
)

// ErrNotPlanFile is returned by ReadFrom for input that does not start with the
// plan file magic, such as a state file or a Terraform plan given by mistake.
var ErrNotPlanFile = errors.New("not a steward plan file")

// ErrDamaged is wrapped by every ReadFrom error about a file that starts like a
// plan file but cannot be decoded: truncated by an interrupted copy,
// corrupted on disk, or edited by hand.
var ErrDamaged = errors.New("the plan file is damaged")

// VersionError reports a plan file in a format this build cannot read. Its
// message tells the user which steward can, since the fix is to use that
// one (or to plan again), not to edit the file.
type VersionError struct {
	Found, Supported int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("plan file format version %d is newer than this steward can read (it reads version %d); "+
		"apply it with the steward release that created it or a newer one, or run `steward plan` again", e.Found, e.Supported)
}

func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrDamaged, fmt.Sprintf(format, args...))
}

// WriteFile saves p to path atomically (temp file + fsync + rename), mode
// 0600. A crash or a full disk leaves either the old file or the new one,
// never a torn plan that apply would reject as damaged. The mode is 0600
// even though sensitive values are redacted: the rest of a plan (addresses,
// attribute values, state lineage) is still not for other local users.
func WriteFile(path string, p *Plan) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// The temporary file goes in the same directory so that the rename is
	// within one filesystem and therefore atomic.
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// CreateTemp already asks for 0600, but the umask could still narrow it
	// to something odd; the documented mode is exactly 0600.
	if err = f.Chmod(0o600); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	bw := bufio.NewWriter(f)
	if err = Write(bw, p); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	// The rename is only durable once the directory entry is on disk. Some
	// platforms cannot sync a directory; the file itself is safe by now, so
	// that is not worth failing the plan over.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// ReadFile reads a plan file written by WriteFile. Errors name the file.
func ReadFile(path string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	defer f.Close()
	p, err := ReadFrom(f)
	if err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", path, err)
	}
	return p, nil
}

// Write writes p in the plan file format. Sensitive values are redacted
// (see FORMAT.md), so the output is safe to store and to show. It
// refuses a plan that ReadFrom would reject, so that `steward plan -out` fails
// rather than `steward apply` later. p is not modified.
func Write(w io.Writer, p *Plan) error {
	doc, err := encodePlan(p)
	if err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	if len(body) > maxBodySize {
		return fmt.Errorf("writing plan: the plan is %d bytes, more than the %d a plan file may hold", len(body), maxBodySize)
	}
	if _, err := io.WriteString(w, fileMagic+strconv.Itoa(FormatVersion)+"\n"); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	// The gzip header is left without name or mtime so that the same plan
	// always gives the same bytes.
	zw := gzip.NewWriter(w)
	if _, err := zw.Write(body); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	return nil
}

// ReadFrom reads a plan written by Write. (It is not called Read because
// that name is the Read action.) It never panics, whatever the input:
// apply and show hand it files from disk, which may be anything.
// Sensitive parts come back redacted (null, or unknown if they were) and
// marked schema.Sensitive; Schema is nil in every change.
func ReadFrom(r io.Reader) (p *Plan, err error) {
	// cty's constructors panic on inconsistent input (a list whose elements
	// differ in type, for example) and its decoders do not check for all of
	// it. A damaged file must be an error, not a crash of apply.
	defer func() {
		if rec := recover(); rec != nil {
			p, err = nil, damaged("cannot decode it (%v)", rec)
		}
	}()

	br := bufio.NewReader(r)
	if err := readHeader(br); err != nil {
		return nil, err
	}
	body, err := readBody(br)
	if err != nil {
		return nil, err
	}
	var doc fileJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	// An unknown field means a writer this reader does not understand; a
	// field that restricts apply must not be silently dropped.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, damaged("invalid contents: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, damaged("unexpected data after the plan")
	}
	return decodePlan(&doc)
}

func readHeader(br *bufio.Reader) error {
	magic := make([]byte, len(fileMagic))
	n, err := io.ReadFull(br, magic)
	switch {
	case n == 0:
		return fmt.Errorf("%w (it is empty)", ErrNotPlanFile)
	case err != nil && fileMagic[:n] == string(magic[:n]):
		return damaged("it ends after %d bytes (truncated?)", n)
	case err != nil || string(magic) != fileMagic:
		return ErrNotPlanFile
	}

	var line []byte
	for {
		c, err := br.ReadByte()
		if err != nil {
			return damaged("it ends in the format version line (truncated?)")
		}
		if c == '\n' {
			break
		}
		if c < '0' || c > '9' || len(line) >= maxVersionLine {
			return damaged("the format version line is not a number")
		}
		line = append(line, c)
	}
	v, err := strconv.Atoi(string(line))
	if err != nil || v < 1 {
		return damaged("format version %q is not valid", line)
	}
	if v > FormatVersion {
		return &VersionError{Found: v, Supported: FormatVersion}
	}
	return nil
}

func readBody(br *bufio.Reader) ([]byte, error) {
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, describeGzipError(err)
	}
	// One gzip member is written; a second one is not ours, and accepting
	// it would let two plans be glued together unnoticed.
	zr.Multistream(false)
	// Reading to the end, rather than letting the JSON decoder stop at the
	// closing brace, makes gzip check its CRC and length trailer, which is
	// what detects a truncated or bit-flipped file.
	body, err := io.ReadAll(io.LimitReader(zr, maxBodySize+1))
	if err != nil {
		return nil, describeGzipError(err)
	}
	if len(body) > maxBodySize {
		return nil, damaged("it decompresses to more than %d bytes", maxBodySize)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, damaged("unexpected data after the compressed plan")
	}
	return body, nil
}

func describeGzipError(err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return damaged("the compressed plan ends early (truncated?)")
	case errors.Is(err, gzip.ErrChecksum):
		return damaged("the compressed plan fails its checksum")
	case errors.Is(err, gzip.ErrHeader):
		return damaged("the compressed plan has an invalid header")
	}
	return damaged("cannot decompress it: %v", err)
}

// The JSON document. Field names and meanings are in FORMAT.md; changing
// any of them, or what a value means, needs a new FormatVersion.

type fileJSON struct {
	Mode         Mode           `json:"mode"`
	Created      time.Time      `json:"created"`
	Complete     bool           `json:"complete"`
	StateLineage string         `json:"state_lineage"`
	StateSerial  uint64         `json:"state_serial"`
	ConfigDigest string         `json:"config_digest"`
	Targets      []string       `json:"targets,omitempty"`
	Changes      []*changeJSON  `json:"changes"`
	Drift        []*changeJSON  `json:"drift,omitempty"`
	Outputs      []*outputJSON  `json:"outputs,omitempty"`
	Warnings     []*warningJSON `json:"warnings,omitempty"`
}

type changeJSON struct {
	Addr                string       `json:"addr"`
	PrevAddr            string       `json:"prev_addr,omitempty"`
	Provider            string       `json:"provider"`
	Action              Action       `json:"action"`
	Reason              string       `json:"reason,omitempty"`
	Summary             string       `json:"summary,omitempty"`
	RequiresReplace     [][]stepJSON `json:"requires_replace,omitempty"`
	Before              *valueJSON   `json:"before,omitempty"`
	After               *valueJSON   `json:"after,omitempty"`
	ImportID            string       `json:"import_id,omitempty"`
	Dependencies        []string     `json:"dependencies,omitempty"`
	CreateBeforeDestroy bool         `json:"create_before_destroy,omitempty"`
}

type outputJSON struct {
	Name      string     `json:"name"`
	Action    Action     `json:"action"`
	Before    *valueJSON `json:"before,omitempty"`
	After     *valueJSON `json:"after,omitempty"`
	Sensitive bool       `json:"sensitive,omitempty"`
}

type warningJSON struct {
	Summary string     `json:"summary"`
	Detail  string     `json:"detail,omitempty"`
	Subject *rangeJSON `json:"subject,omitempty"`
}

type rangeJSON struct {
	Filename string  `json:"filename"`
	Start    posJSON `json:"start"`
	End      posJSON `json:"end"`
}

type posJSON struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// valueJSON carries a cty value in msgpack because, unlike cty's JSON
// encoding, msgpack can represent unknown values, and a plan's After is
// full of them.
type valueJSON struct {
	Type      json.RawMessage `json:"type"`
	Msgpack   []byte          `json:"msgpack"`
	Sensitive [][]stepJSON    `json:"sensitive,omitempty"`
}

type stepJSON struct {
	Attr  *string         `json:"attr,omitempty"`
	Index json.RawMessage `json:"index,omitempty"`
}

var validActions = map[Action]bool{
	NoOp: true, Create: true, Read: true, Update: true,
	DeleteThenCreate: true, CreateThenDelete: true, Delete: true, Forget: true,
}

var validModes = map[Mode]bool{NormalMode: true, DestroyMode: true, RefreshOnlyMode: true}

func encodePlan(p *Plan) (*fileJSON, error) {
	if p == nil {
		return nil, errors.New("plan is nil")
	}
	if !validModes[p.Mode] {
		return nil, fmt.Errorf("plan mode %q is not one steward knows", p.Mode)
	}
	doc := &fileJSON{
		Mode:         p.Mode,
		Created:      p.Created,
		Complete:     p.Complete,
		StateLineage: p.StateLineage,
		StateSerial:  p.StateSerial,
		ConfigDigest: p.ConfigDigest,
		// Always present, so that a plan with no changes reads as one
		// rather than as a file missing its main field.
		Changes: []*changeJSON{},
	}
	for _, t := range p.Targets {
		s := t.String()
		back, err := addrs.ParseTarget(s)
		if err != nil || back.String() != s {
			return nil, fmt.Errorf("target %q does not read back as an address", s)
		}
		doc.Targets = append(doc.Targets, s)
	}
	for i, c := range p.Changes {
		cj, err := encodeChange(c)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		doc.Changes = append(doc.Changes, cj)
	}
	for i, c := range p.Drift {
		cj, err := encodeChange(c)
		if err != nil {
			return nil, fmt.Errorf("drift %d: %w", i, err)
		}
		doc.Drift = append(doc.Drift, cj)
	}
	for _, o := range p.Outputs {
		if o == nil {
			return nil, errors.New("an output change is nil")
		}
		if !validActions[o.Action] {
			return nil, fmt.Errorf("output %s: action %q is not one steward knows", o.Name, o.Action)
		}
		oj := &outputJSON{Name: o.Name, Action: o.Action, Sensitive: o.Sensitive}
		var err error
		// A sensitive output's value may not carry the mark (it was declared
		// sensitive, not derived from a sensitive value); the flag alone
		// must keep it out of the file.
		if oj.Before, err = encodeValue(o.Before, o.Sensitive); err != nil {
			return nil, fmt.Errorf("output %s: before: %w", o.Name, err)
		}
		if oj.After, err = encodeValue(o.After, o.Sensitive); err != nil {
			return nil, fmt.Errorf("output %s: after: %w", o.Name, err)
		}
		doc.Outputs = append(doc.Outputs, oj)
	}
	for _, w := range p.Warnings {
		wj := &warningJSON{Summary: w.Summary, Detail: w.Detail}
		if w.Subject != nil {
			wj.Subject = &rangeJSON{
				Filename: w.Subject.Filename,
				Start:    posJSON{Line: w.Subject.Start.Line, Column: w.Subject.Start.Column, Byte: w.Subject.Start.Byte},
				End:      posJSON{Line: w.Subject.End.Line, Column: w.Subject.End.Column, Byte: w.Subject.End.Byte},
			}
		}
		doc.Warnings = append(doc.Warnings, wj)
	}
	return doc, nil
}

func encodeChange(c *ResourceChange) (*changeJSON, error) {
	if c == nil {
		return nil, errors.New("change is nil")
	}
	addr, err := encodeInstanceAddr(c.Addr)
	if err != nil {
		return nil, err
	}
	if !validActions[c.Action] {
		return nil, fmt.Errorf("%s: action %q is not one steward knows", addr, c.Action)
	}
	cj := &changeJSON{
		Addr:                addr,
		Provider:            c.Provider,
		Action:              c.Action,
		Reason:              c.Reason,
		Summary:             c.Summary,
		ImportID:            c.ImportID,
		CreateBeforeDestroy: c.CreateBeforeDestroy,
	}
	if c.PrevAddr != nil {
		if cj.PrevAddr, err = encodeInstanceAddr(*c.PrevAddr); err != nil {
			return nil, fmt.Errorf("%s: previous address: %w", addr, err)
		}
	}
	for _, p := range c.RequiresReplace {
		pj, err := encodePath(p)
		if err != nil {
			return nil, fmt.Errorf("%s: requires_replace: %w", addr, err)
		}
		cj.RequiresReplace = append(cj.RequiresReplace, pj)
	}
	for _, d := range c.Dependencies {
		s := d.String()
		t, err := addrs.ParseTarget(s)
		if err != nil || t.Resource == nil || t.Key != nil || t.Module != d.Module || *t.Resource != d.Resource {
			return nil, fmt.Errorf("%s: dependency %q does not read back as a resource address", addr, s)
		}
		cj.Dependencies = append(cj.Dependencies, s)
	}
	before, after := c.Before, c.After
	// The schema, when the planner left it, is a second line of defence: a
	// sensitive attribute whose mark was lost on the way (a provider
	// returning plain values, say) is still redacted.
	if c.Schema != nil {
		if before != cty.NilVal {
			before = c.Schema.MarkSensitive(before)
		}
		if after != cty.NilVal {
			after = c.Schema.MarkSensitive(after)
		}
	}
	if cj.Before, err = encodeValue(before, false); err != nil {
		return nil, fmt.Errorf("%s: before: %w", addr, err)
	}
	if cj.After, err = encodeValue(after, false); err != nil {
		return nil, fmt.Errorf("%s: after: %w", addr, err)
	}
	return cj, nil
}

func encodeInstanceAddr(a addrs.AbsResourceInstance) (string, error) {
	s := a.String()
	back, err := addrs.ParseAbsResourceInstance(s)
	if err != nil || back != a {
		return "", fmt.Errorf("resource address %q does not read back as an address", s)
	}
	return s, nil
}

func decodePlan(doc *fileJSON) (*Plan, error) {
	if !validModes[doc.Mode] {
		return nil, damaged("plan mode %q is not one steward knows", doc.Mode)
	}
	p := &Plan{
		Mode:         doc.Mode,
		Created:      doc.Created,
		Complete:     doc.Complete,
		StateLineage: doc.StateLineage,
		StateSerial:  doc.StateSerial,
		ConfigDigest: doc.ConfigDigest,
	}
	for _, s := range doc.Targets {
		t, err := addrs.ParseTarget(s)
		if err != nil {
			return nil, damaged("target: %v", err)
		}
		p.Targets = append(p.Targets, t)
	}
	for i, cj := range doc.Changes {
		c, err := decodeChange(cj)
		if err != nil {
			return nil, damaged("change %d: %v", i, err)
		}
		p.Changes = append(p.Changes, c)
	}
	for i, cj := range doc.Drift {
		c, err := decodeChange(cj)
		if err != nil {
			return nil, damaged("drift %d: %v", i, err)
		}
		p.Drift = append(p.Drift, c)
	}
	for i, oj := range doc.Outputs {
		if oj == nil {
			return nil, damaged("output %d is null", i)
		}
		if !validActions[oj.Action] {
			return nil, damaged("output %s: action %q is not one steward knows", oj.Name, oj.Action)
		}
		o := &OutputChange{Name: oj.Name, Action: oj.Action, Sensitive: oj.Sensitive}
		var err error
		if o.Before, err = decodeValue(oj.Before); err != nil {
			return nil, damaged("output %s: before: %v", oj.Name, err)
		}
		if o.After, err = decodeValue(oj.After); err != nil {
			return nil, damaged("output %s: after: %v", oj.Name, err)
		}
		p.Outputs = append(p.Outputs, o)
	}
	for i, wj := range doc.Warnings {
		if wj == nil {
			return nil, damaged("warning %d is null", i)
		}
		w := Warning{Summary: wj.Summary, Detail: wj.Detail}
		if s := wj.Subject; s != nil {
			w.Subject = &hcl.Range{
				Filename: s.Filename,
				Start:    hcl.Pos{Line: s.Start.Line, Column: s.Start.Column, Byte: s.Start.Byte},
				End:      hcl.Pos{Line: s.End.Line, Column: s.End.Column, Byte: s.End.Byte},
			}
		}
		p.Warnings = append(p.Warnings, w)
	}
	return p, nil
}

func decodeChange(cj *changeJSON) (*ResourceChange, error) {
	if cj == nil {
		return nil, errors.New("it is null")
	}
	addr, err := addrs.ParseAbsResourceInstance(cj.Addr)
	if err != nil {
		return nil, err
	}
	if !validActions[cj.Action] {
		return nil, fmt.Errorf("%s: action %q is not one steward knows", cj.Addr, cj.Action)
	}
	c := &ResourceChange{
		Addr:                addr,
		Provider:            cj.Provider,
		Action:              cj.Action,
		Reason:              cj.Reason,
		Summary:             cj.Summary,
		ImportID:            cj.ImportID,
		CreateBeforeDestroy: cj.CreateBeforeDestroy,
	}
	if cj.PrevAddr != "" {
		prev, err := addrs.ParseAbsResourceInstance(cj.PrevAddr)
		if err != nil {
			return nil, fmt.Errorf("%s: previous address: %v", cj.Addr, err)
		}
		c.PrevAddr = &prev
	}
	for _, pj := range cj.RequiresReplace {
		p, err := decodePath(pj)
		if err != nil {
			return nil, fmt.Errorf("%s: requires_replace: %v", cj.Addr, err)
		}
		c.RequiresReplace = append(c.RequiresReplace, p)
	}
	for _, s := range cj.Dependencies {
		t, err := addrs.ParseTarget(s)
		if err != nil {
			return nil, fmt.Errorf("%s: dependency: %v", cj.Addr, err)
		}
		if t.Resource == nil || t.Key != nil {
			return nil, fmt.Errorf("%s: dependency %q is not a resource address", cj.Addr, s)
		}
		c.Dependencies = append(c.Dependencies, addrs.AbsResource{Module: t.Module, Resource: *t.Resource})
	}
	if c.Before, err = decodeValue(cj.Before); err != nil {
		return nil, fmt.Errorf("%s: before: %v", cj.Addr, err)
	}
	if c.After, err = decodeValue(cj.After); err != nil {
		return nil, fmt.Errorf("%s: after: %v", cj.Addr, err)
	}
	return c, nil
}

// encodeValue strips v of its marks, which msgpack cannot carry, and
// replaces every sensitive part with a null of the same type, recording
// where it was. markAll treats the whole value as sensitive.
func encodeValue(v cty.Value, markAll bool) (*valueJSON, error) {
	// NilVal is "no value at all", which a change may legitimately carry
	// (the planner's business, not the file's); it round-trips as absent.
	if v == cty.NilVal {
		return nil, nil
	}
	if markAll {
		v = v.Mark(schema.Sensitive)
	}
	raw, pvms := v.UnmarkDeepWithPaths()
	var paths []cty.Path
	for _, pvm := range pvms {
		if _, ok := pvm.Marks[schema.Sensitive]; !ok {
			continue
		}
		p := pvm.Path
		// Marks somewhere inside an unknown value cannot be placed more
		// precisely than on the unknown value itself; over-marking is the
		// safe direction.
		if p.HasUnknownTail() {
			p = p[:len(p)-1]
		}
		paths = append(paths, p.Copy())
	}
	paths = outermostPaths(paths)
	if len(paths) > 0 {
		redact := make(map[string]bool, len(paths))
		for _, p := range paths {
			redact[pathKey(p)] = true
		}
		var err error
		raw, err = cty.Transform(raw, func(p cty.Path, v cty.Value) (cty.Value, error) {
			if !redact[pathKey(p)] {
				return v, nil
			}
			if !v.IsKnown() {
				// An unknown holds no secret, and keeping it unknown tells
				// apply the truth. Its refinements (a string prefix, number
				// bounds) may be derived from the secret, so they go.
				return cty.UnknownVal(v.Type()), nil
			}
			return cty.NullVal(v.Type()), nil
		})
		if err != nil {
			return nil, err
		}
	}

	ty := raw.Type()
	tyJSON, err := ctyjson.MarshalType(ty)
	if err != nil {
		return nil, err
	}
	mp, err := msgpack.Marshal(raw, ty)
	if err != nil {
		return nil, err
	}
	// Refuse here what ReadFrom would refuse, so the failure is at plan time.
	if err := checkJSONNesting(tyJSON); err != nil {
		return nil, err
	}
	if err := checkMsgpack(mp); err != nil {
		return nil, err
	}
	vj := &valueJSON{Type: tyJSON, Msgpack: mp}
	for _, p := range paths {
		pj, err := encodePath(p)
		if err != nil {
			return nil, fmt.Errorf("sensitive path: %w", err)
		}
		vj.Sensitive = append(vj.Sensitive, pj)
	}
	// Mark paths come out of cty in map iteration order; sorting them makes
	// the same plan give the same file.
	sort.Slice(vj.Sensitive, func(i, j int) bool {
		a, _ := json.Marshal(vj.Sensitive[i])
		b, _ := json.Marshal(vj.Sensitive[j])
		return string(a) < string(b)
	})
	return vj, nil
}

// outermostPaths drops paths inside other paths of the list: once the outer
// value is redacted, the inner paths no longer exist in it.
func outermostPaths(paths []cty.Path) []cty.Path {
	sort.SliceStable(paths, func(i, j int) bool { return len(paths[i]) < len(paths[j]) })
	var out []cty.Path
next:
	for _, p := range paths {
		for _, o := range out {
			if p.HasPrefix(o) {
				continue next
			}
		}
		out = append(out, p)
	}
	return out
}

// pathKey is a map key for a path. Steps into sets (keyed by the element
// itself) get a placeholder: no recorded path goes into a set, because cty
// moves marks on set elements onto the set.
func pathKey(p cty.Path) string {
	var b strings.Builder
	for _, s := range p {
		switch s := s.(type) {
		case cty.GetAttrStep:
			b.WriteString(".")
			b.WriteString(strconv.Quote(s.Name))
		case cty.IndexStep:
			k := s.Key
			switch {
			case k.IsMarked() || !k.IsKnown() || k.IsNull():
				b.WriteString("[?]")
			case k.Type() == cty.String:
				b.WriteString("[" + strconv.Quote(k.AsString()) + "]")
			case k.Type() == cty.Number:
				b.WriteString("[" + k.AsBigFloat().Text('g', -1) + "]")
			default:
				b.WriteString("[?]")
			}
		default:
			b.WriteString("?")
		}
	}
	return b.String()
}

func encodePath(p cty.Path) ([]stepJSON, error) {
	out := make([]stepJSON, 0, len(p))
	for _, s := range p {
		switch s := s.(type) {
		case cty.GetAttrStep:
			name := s.Name
			out = append(out, stepJSON{Attr: &name})
		case cty.IndexStep:
			k := s.Key
			if k.IsMarked() || !k.IsKnown() || k.IsNull() {
				return nil, errors.New("a path step has an unknown, null or marked key")
			}
			var raw []byte
			switch k.Type() {
			case cty.String:
				raw, _ = json.Marshal(k.AsString())
			case cty.Number:
				bf := k.AsBigFloat()
				if bf.IsInf() {
					return nil, errors.New("a path step has an infinite index")
				}
				raw = []byte(bf.Text('g', -1))
			default:
				return nil, fmt.Errorf("a path step has a key of type %s (a step into a set?)", k.Type().FriendlyName())
			}
			out = append(out, stepJSON{Index: raw})
		default:
			return nil, fmt.Errorf("a path has a step of kind %T", s)
		}
	}
	return out, nil
}

func decodePath(pj []stepJSON) (cty.Path, error) {
	p := make(cty.Path, 0, len(pj))
	for _, s := range pj {
		switch {
		case s.Attr != nil && s.Index == nil:
			p = append(p, cty.GetAttrStep{Name: *s.Attr})
		case s.Attr == nil && s.Index != nil:
			k, err := decodeIndex(s.Index)
			if err != nil {
				return nil, err
			}
			p = append(p, cty.IndexStep{Key: k})
		default:
			return nil, errors.New(`a path step needs exactly one of "attr" and "index"`)
		}
	}
	return p, nil
}

func decodeIndex(raw json.RawMessage) (cty.Value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(s), nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil || n == "" {
		return cty.NilVal, fmt.Errorf("index %s is neither a string nor a number", raw)
	}
	bf, _, err := big.ParseFloat(string(n), 10, 512, big.ToNearestEven)
	if err != nil {
		return cty.NilVal, fmt.Errorf("index %s is not a number", raw)
	}
	return cty.NumberVal(bf), nil
}

func decodeValue(vj *valueJSON) (cty.Value, error) {
	if vj == nil {
		return cty.NilVal, nil
	}
	if len(vj.Type) == 0 {
		return cty.NilVal, errors.New("value has no type")
	}
	if err := checkJSONNesting(vj.Type); err != nil {
		return cty.NilVal, err
	}
	ty, err := ctyjson.UnmarshalType(vj.Type)
	if err != nil {
		return cty.NilVal, fmt.Errorf("value type: %v", err)
	}
	if err := checkMsgpack(vj.Msgpack); err != nil {
		return cty.NilVal, err
	}
	v, err := msgpack.Unmarshal(vj.Msgpack, ty)
	if err != nil {
		return cty.NilVal, err
	}
	// cty's msgpack decoder gives an empty object or tuple for an empty map
	// or array whatever the declared type; only a value of the declared type
	// is what the writer saved.
	if errs := v.Type().TestConformance(ty); len(errs) > 0 {
		return cty.NilVal, fmt.Errorf("value does not have its declared type %s", ty.FriendlyName())
	}
	var pvms []cty.PathValueMarks
	for _, pj := range vj.Sensitive {
		p, err := decodePath(pj)
		if err != nil {
			return cty.NilVal, fmt.Errorf("sensitive path: %v", err)
		}
		// A path that leads nowhere would silently leave a value unmarked
		// that the writer meant to mark.
		if _, err := p.Apply(v); err != nil {
			return cty.NilVal, fmt.Errorf("sensitive path does not exist in the value: %v", err)
		}
		pvms = append(pvms, cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(schema.Sensitive)})
	}
	return v.MarkWithPaths(pvms), nil
}

// checkJSONNesting bounds how deeply brackets nest in a JSON text, without
// recursion, before cty's recursive type decoder sees it.
func checkJSONNesting(b []byte) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > maxNesting {
				return errors.New("a type nests too deeply")
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return nil
}

// checkMsgpack checks that b holds exactly one structurally sound msgpack
// value before cty decodes it. cty trusts the lengths in the input: an
// array header claiming four billion elements would have it allocate tens
// of gigabytes up front, and deep nesting would exhaust the stack. Here
// every count must fit in the bytes that remain, and nesting is bounded.
func checkMsgpack(b []byte) error {
	c := msgpackChecker{b: b}
	if err := c.value(0); err != nil {
		return err
	}
	if c.pos != len(b) {
		return errors.New("unexpected bytes after the encoded value")
	}
	return nil
}

type msgpackChecker struct {
	b   []byte
	pos int
}

var errMsgpackShort = errors.New("the encoded value ends early")

func (c *msgpackChecker) take(n uint64) ([]byte, error) {
	if n > uint64(len(c.b)-c.pos) {
		return nil, errMsgpackShort
	}
	s := c.b[c.pos : c.pos+int(n)]
	c.pos += int(n)
	return s, nil
}

func (c *msgpackChecker) uint(size int) (uint64, error) {
	s, err := c.take(uint64(size))
	if err != nil {
		return 0, err
	}
	var n uint64
	for _, x := range s {
		n = n<<8 | uint64(x)
	}
	return n, nil
}

// items checks n consecutive values. Each takes at least one byte, which is
// what bounds n by the input size.
func (c *msgpackChecker) items(n uint64, depth int) error {
	if n > uint64(len(c.b)-c.pos) {
		return errMsgpackShort
	}
	for ; n > 0; n-- {
		if err := c.value(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// sized skips a length-prefixed string, binary or extension body. Binary
// strings are where cty puts the type of a dynamic value, as JSON.
func (c *msgpackChecker) sized(lenSize, extra int, isBin bool) error {
	n, err := c.uint(lenSize)
	if err != nil {
		return err
	}
	s, err := c.take(n + uint64(extra))
	if err != nil {
		return err
	}
	if isBin {
		return checkJSONNesting(s)
	}
	return nil
}

func (c *msgpackChecker) value(depth int) error {
	if depth > maxNesting {
		return errors.New("the encoded value nests too deeply")
	}
	s, err := c.take(1)
	if err != nil {
		return err
	}
	code := s[0]
	switch {
	case code <= 0x7f || code >= 0xe0: // positive and negative fixint
		return nil
	case code <= 0x8f: // fixmap
		return c.items(2*uint64(code&0x0f), depth)
	case code <= 0x9f: // fixarray
		return c.items(uint64(code&0x0f), depth)
	case code <= 0xbf: // fixstr
		_, err := c.take(uint64(code & 0x1f))
		return err
	}
	switch code {
	case 0xc0, 0xc2, 0xc3: // nil, false, true
		return nil
	case 0xc4: // bin 8
		return c.sized(1, 0, true)
	case 0xc5: // bin 16
		return c.sized(2, 0, true)
	case 0xc6: // bin 32
		return c.sized(4, 0, true)
	case 0xc7: // ext 8: length, type, body
		return c.sized(1, 1, false)
	case 0xc8: // ext 16
		return c.sized(2, 1, false)
	case 0xc9: // ext 32
		return c.sized(4, 1, false)
	case 0xca, 0xce, 0xd2: // float 32, uint 32, int 32
		_, err := c.take(4)
		return err
	case 0xcb, 0xcf, 0xd3: // float 64, uint 64, int 64
		_, err := c.take(8)
		return err
	case 0xcc, 0xd0: // uint 8, int 8
		_, err := c.take(1)
		return err
	case 0xcd, 0xd1: // uint 16, int 16
		_, err := c.take(2)
		return err
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16: type, body
		_, err := c.take(1 + 1<<(code-0xd4))
		return err
	case 0xd9: // str 8
		return c.sized(1, 0, false)
	case 0xda: // str 16
		return c.sized(2, 0, false)
	case 0xdb: // str 32
		return c.sized(4, 0, false)
	case 0xdc, 0xdd: // array 16, array 32
		n, err := c.uint(2 << (code - 0xdc))
		if err != nil {
			return err
		}
		return c.items(n, depth)
	case 0xde, 0xdf: // map 16, map 32
		n, err := c.uint(2 << (code - 0xde))
		if err != nil {
			return err
		}
		return c.items(2*n, depth)
	}
	return fmt.Errorf("the encoded value has an invalid byte 0x%02x", code)
}
