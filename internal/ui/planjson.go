package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/engine/plan"
	"github.com/stewardhq/steward/schema"
)

// PlanJSONFormatVersion is the version of the JSON plan format described in
// PLAN-JSON.md. The minor version grows when fields are added; the major
// version only when a consumer written for the old format would misread the
// new one.
const PlanJSONFormatVersion = "1.0"

// The json* types are the wire format. They are separate from plan.Plan so
// that the engine can evolve without silently changing a contract that
// scripts and CI pipelines depend on.

type jsonPlan struct {
	FormatVersion   string                      `json:"format_version"`
	PlanMode        string                      `json:"plan_mode"`
	Timestamp       string                      `json:"timestamp,omitempty"`
	Complete        bool                        `json:"complete"`
	Errored         bool                        `json:"errored"`
	Applyable       bool                        `json:"applyable"`
	Targets         []string                    `json:"targets,omitempty"`
	ResourceDrift   []jsonResourceChange        `json:"resource_drift"`
	ResourceChanges []jsonResourceChange        `json:"resource_changes"`
	OutputChanges   map[string]jsonOutputChange `json:"output_changes"`
	Summary         jsonSummary                 `json:"summary"`
	Warnings        []jsonDiagnostic            `json:"warnings"`
}

type jsonResourceChange struct {
	Address         string     `json:"address"`
	PreviousAddress string     `json:"previous_address,omitempty"`
	ModuleAddress   string     `json:"module_address,omitempty"`
	Mode            string     `json:"mode"`
	Type            string     `json:"type"`
	Name            string     `json:"name"`
	Index           any        `json:"index,omitempty"`
	ProviderName    string     `json:"provider_name"`
	Change          jsonChange `json:"change"`
	ActionReason    string     `json:"action_reason,omitempty"`
	Summary         string     `json:"summary,omitempty"`
}

type jsonChange struct {
	Actions         []string       `json:"actions"`
	Before          any            `json:"before"`
	After           any            `json:"after"`
	AfterUnknown    any            `json:"after_unknown"`
	BeforeSensitive any            `json:"before_sensitive"`
	AfterSensitive  any            `json:"after_sensitive"`
	ReplacePaths    [][]any        `json:"replace_paths,omitempty"`
	Importing       *jsonImporting `json:"importing,omitempty"`
}

type jsonImporting struct {
	ID string `json:"id"`
}

type jsonOutputChange struct {
	Actions         []string `json:"actions"`
	Before          any      `json:"before"`
	After           any      `json:"after"`
	AfterUnknown    any      `json:"after_unknown"`
	BeforeSensitive any      `json:"before_sensitive"`
	AfterSensitive  any      `json:"after_sensitive"`
}

type jsonSummary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
	Replace int `json:"replace"`
	Import  int `json:"import"`
	Read    int `json:"read"`
	Drift   int `json:"drift"`
}

// RenderPlanJSON writes p in the machine-readable format documented in
// PLAN-JSON.md, as one line of JSON. Sensitive values are written as null and
// flagged in before_sensitive/after_sensitive; unknown values are null and
// flagged in after_unknown.
func RenderPlanJSON(w io.Writer, p *plan.Plan) (err error) {
	if p == nil {
		return errors.New("ui: no plan to render")
	}
	current := "plan"
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("ui: rendering the plan as JSON failed at %s: %v", current, rec)
		}
	}()

	mode := string(p.Mode)
	if mode == "" {
		mode = string(plan.NormalMode)
	}
	out := jsonPlan{
		FormatVersion:   PlanJSONFormatVersion,
		PlanMode:        mode,
		Complete:        p.Complete,
		Errored:         !p.Complete,
		Applyable:       p.Complete && p.HasChanges(),
		ResourceDrift:   []jsonResourceChange{},
		ResourceChanges: []jsonResourceChange{},
		OutputChanges:   map[string]jsonOutputChange{},
		Warnings:        []jsonDiagnostic{},
	}
	if !p.Created.IsZero() {
		out.Timestamp = p.Created.UTC().Format(time.RFC3339)
	}
	for _, t := range p.Targets {
		out.Targets = append(out.Targets, t.String())
	}
	for _, c := range p.Changes {
		if c == nil {
			continue
		}
		current = c.Addr.String()
		out.ResourceChanges = append(out.ResourceChanges, jsonResource(c, false))
	}
	for _, d := range p.Drift {
		if d == nil {
			continue
		}
		current = "drift of " + d.Addr.String()
		out.ResourceDrift = append(out.ResourceDrift, jsonResource(d, true))
	}
	for _, o := range p.Outputs {
		if o == nil {
			continue
		}
		current = "output." + o.Name
		b, a := norm(o.Before), norm(o.After)
		if o.Sensitive {
			b, a = b.Mark(schema.Sensitive), a.Mark(schema.Sensitive)
		}
		action := o.Action
		if action == "" {
			action = plan.NoOp
		}
		out.OutputChanges[o.Name] = jsonOutputChange{
			Actions:         jsonActions(action),
			Before:          jsonValue(b),
			After:           jsonValue(a),
			AfterUnknown:    unknownMask(a),
			BeforeSensitive: sensitiveMask(b),
			AfterSensitive:  sensitiveMask(a),
		}
	}
	s := p.Summary()
	out.Summary = jsonSummary{
		Add: s.Add, Change: s.Change, Destroy: s.Destroy, Replace: s.Replace,
		Import: s.Import, Read: s.Read, Drift: s.Drift,
	}
	for _, wn := range p.Warnings {
		d := jsonDiagnostic{Severity: "warning", Summary: wn.Summary, Detail: wn.Detail}
		if wn.Subject != nil {
			rng := jsonRangeOf(*wn.Subject)
			d.Range = &rng
		}
		out.Warnings = append(out.Warnings, d)
	}

	current = "encoding"
	enc := json.NewEncoder(w)
	// Values such as "<none>" or "a && b" are data, not HTML; escaping them
	// only makes the output harder to read in a pull request.
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func jsonResource(c *plan.ResourceChange, drift bool) jsonResourceChange {
	before, after := norm(c.Before), norm(c.After)
	action := c.Action
	if drift {
		// Drift is described by what was found, as in the text rendering.
		if isNull(after) {
			action = plan.Delete
		} else {
			action = plan.Update
		}
	}
	switch action {
	case plan.Create:
		before = cty.NullVal(cty.DynamicPseudoType)
	case plan.Delete:
		after = cty.NullVal(cty.DynamicPseudoType)
	case "":
		action = plan.NoOp
	}

	r := jsonResourceChange{
		Address:      c.Addr.String(),
		Mode:         c.Addr.Resource.Mode.String(),
		Type:         c.Addr.Resource.Type,
		Name:         c.Addr.Resource.Name,
		Index:        jsonIndex(c.Addr.Key),
		ProviderName: c.Provider,
		ActionReason: c.Reason,
		Summary:      c.Summary,
		Change: jsonChange{
			Actions:         jsonActions(action),
			Before:          jsonValue(before),
			After:           jsonValue(after),
			AfterUnknown:    unknownMask(after),
			BeforeSensitive: sensitiveMask(before),
			AfterSensitive:  sensitiveMask(after),
		},
	}
	if c.PrevAddr != nil {
		r.PreviousAddress = c.PrevAddr.String()
	}
	if !c.Addr.Module.IsRoot() {
		r.ModuleAddress = c.Addr.Module.String()
	}
	if !drift {
		for _, p := range c.RequiresReplace {
			r.Change.ReplacePaths = append(r.Change.ReplacePaths, pathSteps(p))
		}
		if c.ImportID != "" {
			r.Change.Importing = &jsonImporting{ID: c.ImportID}
		}
	}
	return r
}

// jsonIndex is an instance key as JSON: a number, a string, or nil for no
// key (left out by omitempty).
func jsonIndex(k addrs.InstanceKey) any {
	switch {
	case k.IsInt():
		return k.Int()
	case k.IsString():
		return k.Str()
	}
	return nil
}

// jsonActions spells an action as Terraform's JSON does: a replacement is two
// actions in the order they happen.
func jsonActions(a plan.Action) []string {
	switch a {
	case plan.DeleteThenCreate:
		return []string{"delete", "create"}
	case plan.CreateThenDelete:
		return []string{"create", "delete"}
	}
	return []string{string(a)}
}

// jsonNumber renders a number exactly, without the float64 rounding that
// encoding/json would apply. JSON has no infinity, so infinities become the
// strings "+Inf" and "-Inf" (documented in PLAN-JSON.md).
func jsonNumber(v cty.Value) any {
	if v.AsBigFloat().IsInf() {
		return formatNumber(v)
	}
	return json.Number(formatNumber(v))
}

// jsonValue converts a value for before/after: sensitive and unknown parts
// become null, everything else its natural JSON form.
func jsonValue(v cty.Value) any {
	if isSensitive(v) {
		return nil
	}
	v = bare(v)
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Number:
		return jsonNumber(v)
	case t == cty.Bool:
		return v.True()
	case isSeqLike(t) || t.IsSetType():
		out := []any{}
		for _, e := range elemsOf(v) {
			out = append(out, jsonValue(e))
		}
		return out
	case isObjectLike(t):
		out := map[string]any{}
		_, m := keysOf(v)
		for k, e := range m {
			out[k] = jsonValue(e)
		}
		return out
	}
	// Capsule values have no JSON form; they never come from providers.
	return nil
}

// unknownMask builds after_unknown: true where the value is unknown, and
// otherwise a structure shaped like the value where objects keep only their
// non-false entries and sequences keep every position, as Terraform does.
// A sensitive value counts as a known leaf: describing which parts of a
// secret are still unknown would give away its shape (a list's length, a
// map's keys).
func unknownMask(v cty.Value) any {
	return mask(v, func(v cty.Value) bool { return !v.IsKnown() }, func(v cty.Value) (any, bool) {
		return false, isSensitive(v)
	})
}

// sensitiveMask builds before_sensitive/after_sensitive the same way.
func sensitiveMask(v cty.Value) any {
	return mask(v, isSensitive, func(cty.Value) (any, bool) { return nil, false })
}

// mask returns true where hit holds, and otherwise what leaf returns when it
// says ok; below that it recurses into known collections, and is false for
// primitives, nulls and unknowns.
func mask(v cty.Value, hit func(cty.Value) bool, leaf func(cty.Value) (any, bool)) any {
	v = norm(v)
	if hit(v) {
		return true
	}
	if r, ok := leaf(v); ok {
		return r
	}
	v = bare(v)
	if !v.IsKnown() || v.IsNull() {
		return false
	}
	t := v.Type()
	switch {
	case isSeqLike(t) || t.IsSetType():
		out := []any{}
		for _, e := range elemsOf(v) {
			out = append(out, mask(e, hit, leaf))
		}
		return out
	case isObjectLike(t):
		out := map[string]any{}
		keys, m := keysOf(v)
		for _, k := range keys {
			if sub := mask(m[k], hit, leaf); sub != false {
				out[k] = sub
			}
		}
		return out
	}
	return false
}
