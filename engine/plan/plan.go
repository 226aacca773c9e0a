package plan

import (
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/schema"
)

// Action is what a plan does to one object.
type Action string

const (
	// NoOp leaves the object as it is.
	NoOp Action = "no-op"
	// Create makes a new object.
	Create Action = "create"
	// Read reads a data source during apply, because its configuration
	// depends on values not known until then.
	Read Action = "read"
	// Update changes the object in place.
	Update Action = "update"
	// DeleteThenCreate replaces the object, deleting the old one first.
	DeleteThenCreate Action = "delete-create"
	// CreateThenDelete replaces the object, creating the new one first
	// (lifecycle { create_before_destroy = true }).
	CreateThenDelete Action = "create-delete"
	// Delete removes the object.
	Delete Action = "delete"
	// Forget removes the object from state without touching it (state rm).
	Forget Action = "forget"
)

// IsReplace reports whether a is one of the two replace actions.
func (a Action) IsReplace() bool { return a == DeleteThenCreate || a == CreateThenDelete }

// Symbol is the marker the text rendering puts before a change.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Delete:
		return "-"
	case DeleteThenCreate:
		return "-/+"
	case CreateThenDelete:
		return "+/-"
	case Read:
		return "<="
	}
	return " "
}

// Mode is the kind of plan.
type Mode string

const (
	// NormalMode makes the real infrastructure match the configuration.
	NormalMode Mode = "normal"
	// DestroyMode deletes everything the state records.
	DestroyMode Mode = "destroy"
	// RefreshOnlyMode only updates the state to match reality.
	RefreshOnlyMode Mode = "refresh-only"
)

// ResourceChange is the planned change of one resource instance.
type ResourceChange struct {
	Addr addrs.AbsResourceInstance
	// PrevAddr is set when a moved block renamed the object.
	PrevAddr *addrs.AbsResourceInstance
	// Provider is the provider configuration address that manages it.
	Provider string
	Action   Action
	// Reason says why, in words a reviewer understands: which attribute
	// forces a replacement, that the object is gone from configuration, or
	// that a previous apply left it tainted.
	Reason string
	// RequiresReplace are the attribute paths whose change forces replacement.
	RequiresReplace []cty.Path
	// Before is the object now (null for create); After the object as
	// planned (null for delete). Sensitive parts carry schema.Sensitive
	// marks; After has unknown values where the result is known only after
	// apply.
	Before, After cty.Value
	// Summary is the provider's one-sentence description of the change in
	// the words a manager uses ("alice will be disabled: locked, removed
	// from 3 groups, moved to ou=disabled"), shown above the raw diff.
	Summary string
	// ImportID is set when an import block adopts an existing object.
	ImportID string
	// Schema describes the resource type; it is not saved in plan files.
	Schema *schema.Resource
	// Dependencies are the resources this instance depends on.
	Dependencies []addrs.AbsResource
	// CreateBeforeDestroy records the lifecycle setting for apply ordering.
	CreateBeforeDestroy bool
}

// OutputChange is the planned change of a root module output.
type OutputChange struct {
	Name          string
	Action        Action
	Before, After cty.Value
	Sensitive     bool
}

// Warning is a diagnostic that the plan carries to its reviewers (for
// example, a provider that skips host key verification).
type Warning struct {
	Summary, Detail string
	Subject         *hcl.Range
}

// Plan is everything apply needs, and everything a reviewer should see.
type Plan struct {
	Mode Mode
	// Changes are the resource changes, including no-ops, sorted by address.
	Changes []*ResourceChange
	// Drift lists objects changed outside steward since the last apply:
	// Before is what the state recorded, After what discovery found.
	Drift []*ResourceChange
	// Outputs are root module output changes, sorted by name.
	Outputs []*OutputChange
	// Warnings are shown with the plan.
	Warnings []Warning
	// Targets limit the plan to some resources (-target).
	Targets []addrs.Target

	// StateLineage and StateSerial identify the state the plan was made
	// against; apply refuses the plan if the state moved on since.
	StateLineage string
	StateSerial  uint64
	// ConfigDigest identifies the configuration files and variable values;
	// apply refuses the plan if they changed.
	ConfigDigest string

	Created time.Time
	// Complete is false when planning stopped on errors.
	Complete bool
}

// Summary counts the changes by kind.
type Summary struct {
	Add, Change, Destroy, Replace, Read, Import, Drift int
}

// Summary counts the plan's changes. A replacement counts once as an add and
// once as a destroy, as Terraform users expect, and also in Replace.
func (p *Plan) Summary() Summary {
	var s Summary
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			s.Add++
		case Update:
			s.Change++
		case Delete:
			s.Destroy++
		case DeleteThenCreate, CreateThenDelete:
			s.Add++
			s.Destroy++
			s.Replace++
		case Read:
			s.Read++
		}
		if c.ImportID != "" {
			s.Import++
		}
	}
	s.Drift = len(p.Drift)
	return s
}

// HasChanges reports whether applying the plan would change anything:
// an object, an output, or (for refresh-only plans) the state.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != NoOp && c.Action != Read {
			return true
		}
		if c.ImportID != "" || c.PrevAddr != nil {
			return true
		}
	}
	for _, o := range p.Outputs {
		if o.Action != NoOp {
			return true
		}
	}
	return p.Mode == RefreshOnlyMode && len(p.Drift) > 0
}

// Sort orders changes by address so renderings and files are stable.
func (p *Plan) Sort() {
	sort.Slice(p.Changes, func(i, j int) bool { return p.Changes[i].Addr.Less(p.Changes[j].Addr) })
	sort.Slice(p.Drift, func(i, j int) bool { return p.Drift[i].Addr.Less(p.Drift[j].Addr) })
	sort.Slice(p.Outputs, func(i, j int) bool { return p.Outputs[i].Name < p.Outputs[j].Name })
}
