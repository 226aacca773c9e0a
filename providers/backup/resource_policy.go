package backup

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
)

// policyFromValue reads a backup_policy object (wholly known, not null).
func policyFromValue(v cty.Value) Policy {
	p := Policy{
		Name:          str(v.GetAttr("name")),
		Sources:       strList(v.GetAttr("sources")),
		Exclude:       strList(v.GetAttr("exclude")),
		OneFileSystem: v.GetAttr("one_file_system").True(),
		Schedule:      str(v.GetAttr("schedule")),
		Tags:          strList(v.GetAttr("tags")),
		Prune:         v.GetAttr("prune").True(),
	}
	sort.Strings(p.Tags)
	if k := v.GetAttr("keep"); !k.IsNull() {
		p.Keep = Keep{
			Last: num(k.GetAttr("last")), Hourly: num(k.GetAttr("hourly")), Daily: num(k.GetAttr("daily")),
			Weekly: num(k.GetAttr("weekly")), Monthly: num(k.GetAttr("monthly")), Yearly: num(k.GetAttr("yearly")),
			Within: str(k.GetAttr("within")),
		}
	}
	return p
}

// policyValue renders a stored policy as a backup_policy object of type ty
// for the repository at location. Optional lists and the keep block that
// the prior object left null stay null when the stored policy has nothing
// there, so that an unset argument is not drift.
func policyValue(ty cty.Type, location string, p Policy, prior cty.Value) cty.Value {
	attrs := map[string]cty.Value{
		"repository":      cty.StringVal(location),
		"name":            cty.StringVal(p.Name),
		"sources":         listVal(p.Sources),
		"exclude":         listVal(p.Exclude),
		"one_file_system": cty.BoolVal(p.OneFileSystem),
		"schedule":        cty.NullVal(cty.String),
		"tags":            setVal(p.Tags),
		"prune":           cty.BoolVal(p.Prune),
	}
	if p.Schedule != "" {
		attrs["schedule"] = cty.StringVal(p.Schedule)
	}
	keepTy := ty.AttributeType("keep")
	if p.Keep.IsZero() && (prior.IsNull() || prior.GetAttr("keep").IsNull()) {
		attrs["keep"] = cty.NullVal(keepTy)
	} else {
		count := func(n int) cty.Value {
			if n == 0 {
				return cty.NullVal(cty.Number)
			}
			return cty.NumberIntVal(int64(n))
		}
		within := cty.NullVal(cty.String)
		if p.Keep.Within != "" {
			within = cty.StringVal(p.Keep.Within)
		}
		attrs["keep"] = cty.ObjectVal(map[string]cty.Value{
			"last": count(p.Keep.Last), "hourly": count(p.Keep.Hourly), "daily": count(p.Keep.Daily),
			"weekly": count(p.Keep.Weekly), "monthly": count(p.Keep.Monthly), "yearly": count(p.Keep.Yearly),
			"within": within,
		})
	}
	if !prior.IsNull() {
		// An empty list and an unset one store alike.
		for _, name := range []string{"exclude", "tags"} {
			if pv := prior.GetAttr(name); len(strList(pv)) == 0 && len(strList(attrs[name])) == 0 {
				attrs[name] = pv
			}
		}
		if ps := prior.GetAttr("repository"); !ps.IsNull() && sameLocation(str(ps), location) {
			attrs["repository"] = ps
		}
	}
	return cty.ObjectVal(attrs)
}

// policySummary says in one sentence what a change to a policy means for
// the snapshots it keeps, for readers of the plan who do not read HCL.
func policySummary(prior, planned cty.Value) string {
	if !planned.IsWhollyKnown() || planned.IsNull() {
		return ""
	}
	after := policyFromValue(planned)
	if prior.IsNull() {
		return fmt.Sprintf("policy %q will back up %s%s and keep %s; nothing runs until \"steward backup run\"",
			after.Name, strings.Join(after.Sources, ", "), scheduleWords(after.Schedule), describeKeep(after.Keep))
	}
	before := policyFromValue(prior)
	changes := keepChanges(before.Keep, after.Keep)
	if len(changes) == 0 {
		return ""
	}
	tail := `applying this deletes nothing — "steward backup forget" does`
	if after.Prune {
		tail = `applying this deletes nothing; the next "steward backup run" forgets and prunes by these rules`
	}
	return fmt.Sprintf("policy %q will keep %s; %s", after.Name, joinAnd(changes), tail)
}

func scheduleWords(s string) string {
	if s == "" {
		return ""
	}
	return " on schedule " + s
}

// keepChanges lists the rules that differ: "7 daily snapshots instead of
// 14", "12 monthly (new)", "no weekly (was 4)".
func keepChanges(before, after Keep) []string {
	type rule struct {
		name          string
		before, after int
	}
	rules := []rule{
		{"last", before.Last, after.Last}, {"hourly", before.Hourly, after.Hourly},
		{"daily", before.Daily, after.Daily}, {"weekly", before.Weekly, after.Weekly},
		{"monthly", before.Monthly, after.Monthly}, {"yearly", before.Yearly, after.Yearly},
	}
	var out []string
	for _, r := range rules {
		noun := r.name
		if len(out) == 0 {
			noun += " snapshots"
		}
		switch {
		case r.before == r.after:
		case r.before == 0:
			out = append(out, fmt.Sprintf("%d %s (new)", r.after, noun))
		case r.after == 0:
			out = append(out, fmt.Sprintf("no %s (was %d)", noun, r.before))
		default:
			out = append(out, fmt.Sprintf("%d %s instead of %d", r.after, noun, r.before))
		}
	}
	switch {
	case before.Within == after.Within:
	case before.Within == "":
		out = append(out, fmt.Sprintf("all snapshots within %s (new)", after.Within))
	case after.Within == "":
		out = append(out, fmt.Sprintf("no snapshots by age (was all within %s)", before.Within))
	default:
		out = append(out, fmt.Sprintf("all snapshots within %s instead of %s", after.Within, before.Within))
	}
	return out
}

func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func str(v cty.Value) string {
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func num(v cty.Value) int {
	if v.IsNull() || !v.IsKnown() {
		return 0
	}
	i, _ := v.AsBigFloat().Int64()
	return int(i)
}

func strList(v cty.Value) []string {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, str(e))
	}
	return out
}

func listVal(items []string) cty.Value {
	if len(items) == 0 {
		return cty.NullVal(cty.List(cty.String))
	}
	vals := make([]cty.Value, len(items))
	for i, s := range items {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}

func setVal(items []string) cty.Value {
	if len(items) == 0 {
		return cty.NullVal(cty.Set(cty.String))
	}
	vals := make([]cty.Value, len(items))
	for i, s := range items {
		vals[i] = cty.StringVal(s)
	}
	return cty.SetVal(vals)
}

func (p *Provider) planPolicy(it providers.PlanItem) (cty.Value, providers.Diagnostics) {
	v := it.Proposed
	if v.IsNull() || !v.IsKnown() {
		return v, nil
	}
	var diags providers.Diagnostics
	// Validated again here: a value computed from another resource is
	// unknown when the configuration is decoded.
	if s := v.GetAttr("schedule"); s.IsKnown() && !s.IsNull() {
		if err := ValidateSchedule(s.AsString()); err != nil {
			diags = append(diags, providers.Errorf(cty.GetAttrPath("schedule"), "Invalid schedule", "%s", err))
		}
	}
	if k := v.GetAttr("keep"); k.IsKnown() && !k.IsNull() {
		if w := k.GetAttr("within"); w.IsKnown() && !w.IsNull() {
			if _, err := ParseWithin(w.AsString()); err != nil {
				diags = append(diags, providers.Errorf(cty.GetAttrPath("keep").GetAttr("within"), "Invalid keep span", "%s", err))
			}
		}
	}
	if r := v.GetAttr("repository"); r.IsKnown() && !r.IsNull() && it.Prior.IsNull() {
		if p.passwordFor(r.AsString()) == "" && p.password == "" {
			// The repository's own password may be learned during the
			// same apply; without it, nothing can open the repository.
			diags = append(diags, providers.Warnf(cty.GetAttrPath("repository"), "No provider password",
				"without a password in the provider \"backup\" block (or STEWARD_BACKUP_PASSWORD), steward can store this policy only while creating its repository, and cannot read it back in later plans"))
		}
	}
	return v, diags
}

// policySession is one opened repository, shared by the policies of a batch.
type policySession struct {
	repo *repoHandle
	diag *providers.Diagnostic
}

func (p *Provider) session(ctx context.Context, location string, sessions map[string]*policySession) *policySession {
	key := cleanLocation(location)
	if s, ok := sessions[key]; ok {
		return s
	}
	s := &policySession{}
	sessions[key] = s
	pw := p.passwordFor(location)
	if pw == "" {
		d := noPassword(location)
		s.diag = &d
		return s
	}
	r, err := p.openHandle(ctx, location, pw)
	if err != nil {
		d := providers.FromError("Cannot open the repository", err)
		s.diag = &d
		return s
	}
	s.repo = r
	return s
}

func (p *Provider) applyPolicy(ctx context.Context, it providers.ApplyItem, sessions map[string]*policySession) providers.ApplyResult {
	v := it.Planned
	if it.Action == providers.Delete {
		v = it.Prior
	}
	loc := str(v.GetAttr("repository"))
	s := p.session(ctx, loc, sessions)
	if s.diag != nil {
		return providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{*s.diag}}
	}
	if it.Action == providers.Delete {
		name := str(it.Prior.GetAttr("name"))
		if err := s.repo.removePolicy(ctx, name); err != nil {
			return providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{providers.FromError("Cannot remove the policy", err)}}
		}
		return providers.ApplyResult{New: cty.NullVal(it.Prior.Type())}
	}
	if err := s.repo.savePolicy(ctx, policyFromValue(it.Planned)); err != nil {
		return providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{providers.FromError("Cannot store the policy", err)}}
	}
	return providers.ApplyResult{New: it.Planned}
}

// importPolicy imports LOCATION#NAME.
func (p *Provider) importPolicy(ctx context.Context, id string) providers.ImportResult {
	i := strings.LastIndex(id, "#")
	if i <= 0 || i == len(id)-1 {
		return providers.ImportResult{Diagnostics: providers.Diagnostics{providers.Errorf(nil, "Invalid import id",
			"%q is not LOCATION#NAME, such as /srv/backup/main#finance", id)}}
	}
	loc, name := id[:i], id[i+1:]
	byName, d := p.readPolicies(ctx, loc)
	if d != nil {
		return providers.ImportResult{Diagnostics: providers.Diagnostics{*d}}
	}
	pol, ok := byName[name]
	if !ok {
		return providers.ImportResult{Diagnostics: providers.Diagnostics{providers.Errorf(nil, "Policy not found", "the repository at %s has no policy %q", loc, name)}}
	}
	ty := p.schema.Resources[PolicyType].ImpliedType()
	return providers.ImportResult{State: policyValue(ty, loc, pol, cty.NullVal(ty))}
}
