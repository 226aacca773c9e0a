package state

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// FormatVersion is the version of the state file format this package writes.
// It is bumped for any change to the file layout, including adding a field,
// because Read rejects fields it does not know rather than silently dropping
// them on the next write.
const FormatVersion = 1

// Resource modes.
const (
	ModeManaged = "managed"
	ModeData    = "data"
)

// State is steward's record of the objects it manages, as of the last write.
type State struct {
	// Lineage identifies one history of states. It is chosen at random when a
	// state is created and never changes, so a store can refuse to overwrite
	// one history with another (e.g. a state file copied from a different
	// project).
	Lineage string `json:"lineage"`

	// Serial counts writes that changed content. A writer sets it to the
	// serial of the state it started from plus one; a store refuses a serial
	// that is not newer than what it holds, which catches a writer working
	// from a stale copy.
	Serial uint64 `json:"serial"`

	// StewardVersion is the version of steward that wrote the state; it is
	// informational, for support and for diagnosing format upgrades.
	StewardVersion string `json:"steward_version"`

	// Resources is kept sorted by module, mode, type and name so that files
	// are stable and diff well. Use Sort after editing it directly.
	Resources []*Resource `json:"resources"`

	// Outputs holds the root module's output values by name.
	Outputs map[string]*OutputValue `json:"outputs"`
}

// Resource is one resource block (one module instance's view of it) and the
// objects it currently has.
type Resource struct {
	// Module is the module instance address, "" for the root module, e.g.
	// `module.site["a"]`.
	Module string `json:"module,omitempty"`
	// Mode is ModeManaged or ModeData.
	Mode string `json:"mode"`
	Type string `json:"type"`
	Name string `json:"name"`
	// Provider is the address of the provider configuration that manages the
	// objects, e.g. `provider["steward"]` or `provider["network"].edge`.
	// It is recorded because destroying an object whose configuration was
	// removed still needs the right provider.
	Provider string `json:"provider"`
	// Instances is kept sorted by key (see InstanceKey.Compare).
	Instances []*Instance `json:"instances"`
}

// Instance is one object of a resource: the only one for a resource without
// count or for_each, or the one for a given key.
type Instance struct {
	Key InstanceKey `json:"key,omitzero"`
	// ID is the provider's identifier for the object, if it has one.
	ID string `json:"id,omitempty"`
	// SchemaVersion is the provider schema version Attributes were written
	// with, so that a newer provider can upgrade them before decoding.
	SchemaVersion int `json:"schema_version"`
	// Attributes is the object's value as produced by EncodeValue: cty JSON
	// with sensitive parts replaced by null.
	Attributes json.RawMessage `json:"attributes"`
	// Sensitive lists the parts of Attributes that were withheld, with a
	// keyed hash of each so a plan can tell whether the secret changed.
	Sensitive []SensitiveAttribute `json:"sensitive,omitempty"`
	// Dependencies are the absolute addresses of the resources this object
	// depended on when it was last applied. They order destroys after the
	// configuration that expressed them is gone.
	Dependencies []string `json:"dependencies,omitempty"`
	// CreateBeforeDestroy records the lifecycle setting in force at the last
	// apply, for the same reason as Dependencies.
	CreateBeforeDestroy bool `json:"create_before_destroy,omitempty"`
	// Tainted marks an object whose creation failed partway through; the
	// next plan replaces it.
	Tainted bool `json:"tainted,omitempty"`
}

// OutputValue is a root module output. A sensitive output is stored only as
// a keyed hash: Value is JSON null and Hash is set. See EncodeOutput.
type OutputValue struct {
	// Value is the cty JSON of the value, for Type.
	Value json.RawMessage `json:"value"`
	// Type is the cty JSON type description of the value.
	Type json.RawMessage `json:"type"`
	// Sensitive outputs have a null Value and a Hash instead.
	Sensitive bool `json:"sensitive,omitempty"`
	// Hash is HashValue of a sensitive output's value.
	Hash string `json:"hash,omitempty"`
}

// New returns an empty state with a fresh random lineage.
func New() *State {
	return &State{
		Lineage: newLineage(),
		Outputs: map[string]*OutputValue{},
	}
}

// newLineage returns a random version 4 UUID. The UUID layout is only
// cosmetic (it is what people expect an id to look like); what matters is
// the 122 random bits, which make collisions between histories implausible.
func newLineage() string {
	var b [16]byte
	// crypto/rand.Read never returns an error; it aborts the process if the
	// kernel cannot provide randomness.
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Addr returns the resource's absolute address, e.g.
// `module.site["a"].data.dns_zone.main`.
func (r *Resource) Addr() string {
	var b strings.Builder
	if r.Module != "" {
		b.WriteString(r.Module)
		b.WriteByte('.')
	}
	if r.Mode == ModeData {
		b.WriteString("data.")
	}
	b.WriteString(r.Type)
	b.WriteByte('.')
	b.WriteString(r.Name)
	return b.String()
}

// InstanceAddr returns the absolute address of the instance with key k.
func (r *Resource) InstanceAddr(k InstanceKey) string {
	return r.Addr() + k.String()
}

func compareResourceID(r *Resource, module, mode, typ, name string) int {
	return cmp.Or(
		cmp.Compare(r.Module, module),
		cmp.Compare(r.Mode, mode),
		cmp.Compare(r.Type, typ),
		cmp.Compare(r.Name, name),
	)
}

func compareResources(a, b *Resource) int {
	return compareResourceID(a, b.Module, b.Mode, b.Type, b.Name)
}

// Resource returns the resource with the given identity, or nil.
func (s *State) Resource(module, mode, typ, name string) *Resource {
	// A linear scan rather than a binary search: callers may have appended
	// to Resources without sorting, and a silent miss would make the planner
	// think an existing object is gone.
	for _, r := range s.Resources {
		if r != nil && compareResourceID(r, module, mode, typ, name) == 0 {
			return r
		}
	}
	return nil
}

// EnsureResource returns the resource with the given identity, adding an
// empty one in sorted position if there is none. The provider is set either
// way, since the configuration decides which provider manages a resource.
func (s *State) EnsureResource(module, mode, typ, name, provider string) *Resource {
	if r := s.Resource(module, mode, typ, name); r != nil {
		r.Provider = provider
		return r
	}
	r := &Resource{Module: module, Mode: mode, Type: typ, Name: name, Provider: provider}
	i, _ := slices.BinarySearchFunc(s.Resources, r, compareResources)
	s.Resources = slices.Insert(s.Resources, i, r)
	return r
}

// RemoveResource deletes the resource with the given identity and reports
// whether there was one.
func (s *State) RemoveResource(module, mode, typ, name string) bool {
	n := len(s.Resources)
	s.Resources = slices.DeleteFunc(s.Resources, func(r *Resource) bool {
		return r != nil && compareResourceID(r, module, mode, typ, name) == 0
	})
	return len(s.Resources) != n
}

// Instance returns the instance with key k, or nil.
func (r *Resource) Instance(k InstanceKey) *Instance {
	for _, inst := range r.Instances {
		if inst != nil && inst.Key == k {
			return inst
		}
	}
	return nil
}

// EnsureInstance returns the instance with key k, adding an empty one in
// sorted position if there is none.
func (r *Resource) EnsureInstance(k InstanceKey) *Instance {
	if inst := r.Instance(k); inst != nil {
		return inst
	}
	inst := &Instance{Key: k}
	i, _ := slices.BinarySearchFunc(r.Instances, inst, compareInstances)
	r.Instances = slices.Insert(r.Instances, i, inst)
	return inst
}

// RemoveInstance deletes the instance with key k and reports whether there
// was one.
func (r *Resource) RemoveInstance(k InstanceKey) bool {
	n := len(r.Instances)
	r.Instances = slices.DeleteFunc(r.Instances, func(inst *Instance) bool {
		return inst != nil && inst.Key == k
	})
	return len(r.Instances) != n
}

func compareInstances(a, b *Instance) int { return a.Key.Compare(b.Key) }

// Sort puts resources, instances, sensitive paths and dependencies into
// their canonical order, so that equal content always serializes to the
// same bytes. Dependencies are also de-duplicated.
func (s *State) Sort() {
	slices.SortStableFunc(s.Resources, func(a, b *Resource) int {
		// nil entries sort first so validation reports them; they never
		// come from this package.
		if a == nil || b == nil {
			return cmp.Compare(boolInt(a != nil), boolInt(b != nil))
		}
		return compareResources(a, b)
	})
	for _, r := range s.Resources {
		if r == nil {
			continue
		}
		slices.SortStableFunc(r.Instances, func(a, b *Instance) int {
			if a == nil || b == nil {
				return cmp.Compare(boolInt(a != nil), boolInt(b != nil))
			}
			return compareInstances(a, b)
		})
		for _, inst := range r.Instances {
			if inst == nil {
				continue
			}
			slices.SortStableFunc(inst.Sensitive, func(a, b SensitiveAttribute) int {
				return a.Path.Compare(b.Path)
			})
			slices.Sort(inst.Dependencies)
			inst.Dependencies = slices.Compact(inst.Dependencies)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// DeepCopy returns a copy that shares no memory with s, so the copy can be
// handed to another goroutine or kept as the "before" side of a diff.
func (s *State) DeepCopy() *State {
	if s == nil {
		return nil
	}
	c := &State{
		Lineage:        s.Lineage,
		Serial:         s.Serial,
		StewardVersion: s.StewardVersion,
	}
	if s.Resources != nil {
		c.Resources = make([]*Resource, len(s.Resources))
		for i, r := range s.Resources {
			c.Resources[i] = r.DeepCopy()
		}
	}
	if s.Outputs != nil {
		c.Outputs = make(map[string]*OutputValue, len(s.Outputs))
		for k, o := range s.Outputs {
			c.Outputs[k] = o.DeepCopy()
		}
	}
	return c
}

// DeepCopy returns a copy of r that shares no memory with it.
func (r *Resource) DeepCopy() *Resource {
	if r == nil {
		return nil
	}
	c := *r
	if r.Instances != nil {
		c.Instances = make([]*Instance, len(r.Instances))
		for i, inst := range r.Instances {
			c.Instances[i] = inst.DeepCopy()
		}
	}
	return &c
}

// DeepCopy returns a copy of inst that shares no memory with it.
func (inst *Instance) DeepCopy() *Instance {
	if inst == nil {
		return nil
	}
	c := *inst
	c.Attributes = bytes.Clone(inst.Attributes)
	if inst.Sensitive != nil {
		c.Sensitive = make([]SensitiveAttribute, len(inst.Sensitive))
		for i, sa := range inst.Sensitive {
			c.Sensitive[i] = SensitiveAttribute{Path: slices.Clone(sa.Path), Hash: sa.Hash}
		}
	}
	c.Dependencies = slices.Clone(inst.Dependencies)
	return &c
}

// DeepCopy returns a copy of o that shares no memory with it.
func (o *OutputValue) DeepCopy() *OutputValue {
	if o == nil {
		return nil
	}
	c := *o
	c.Value = bytes.Clone(o.Value)
	c.Type = bytes.Clone(o.Type)
	return &c
}

// Equal reports whether s and other record the same infrastructure: same
// lineage, resources and outputs. Serial and StewardVersion are ignored
// because they describe the write, not the content, which is what lets a
// store accept re-writing an unchanged state under an old serial.
//
// Resources and instances are compared in order (Sort first if either side
// may be unsorted); JSON values are compared after removing insignificant
// whitespace; nil and empty collections are equal.
func (s *State) Equal(other *State) bool {
	if s == nil || other == nil {
		return s == other
	}
	if s.Lineage != other.Lineage {
		return false
	}
	if !slices.EqualFunc(s.Resources, other.Resources, (*Resource).Equal) {
		return false
	}
	if len(s.Outputs) != len(other.Outputs) {
		return false
	}
	for k, o := range s.Outputs {
		oo, ok := other.Outputs[k]
		if !ok || !o.Equal(oo) {
			return false
		}
	}
	return true
}

// Equal reports whether r and other have the same identity, provider and
// instances.
func (r *Resource) Equal(other *Resource) bool {
	if r == nil || other == nil {
		return r == other
	}
	return r.Module == other.Module && r.Mode == other.Mode &&
		r.Type == other.Type && r.Name == other.Name &&
		r.Provider == other.Provider &&
		slices.EqualFunc(r.Instances, other.Instances, (*Instance).Equal)
}

// Equal reports whether inst and other record the same object.
func (inst *Instance) Equal(other *Instance) bool {
	if inst == nil || other == nil {
		return inst == other
	}
	return inst.Key == other.Key && inst.ID == other.ID &&
		inst.SchemaVersion == other.SchemaVersion &&
		jsonEqual(inst.Attributes, other.Attributes) &&
		slices.EqualFunc(inst.Sensitive, other.Sensitive, func(a, b SensitiveAttribute) bool {
			return a.Hash == b.Hash && a.Path.Compare(b.Path) == 0
		}) &&
		slices.Equal(inst.Dependencies, other.Dependencies) &&
		inst.CreateBeforeDestroy == other.CreateBeforeDestroy &&
		inst.Tainted == other.Tainted
}

// Equal reports whether o and other hold the same output.
func (o *OutputValue) Equal(other *OutputValue) bool {
	if o == nil || other == nil {
		return o == other
	}
	return o.Sensitive == other.Sensitive && o.Hash == other.Hash &&
		jsonEqual(o.Value, other.Value) && jsonEqual(o.Type, other.Type)
}

// jsonEqual compares two JSON documents ignoring insignificant whitespace,
// so that a state read back from an indented file equals the one that was
// written from compact EncodeValue output. A missing document equals null.
func jsonEqual(a, b json.RawMessage) bool {
	ca, errA := compactJSON(a)
	cb, errB := compactJSON(b)
	if errA != nil || errB != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca, cb)
}

func compactJSON(raw json.RawMessage) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
