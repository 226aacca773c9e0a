package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/stewardhq/steward/engine/addrs"
)

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "import"},
		{Type: "moved"},
		{Type: "check", LabelNames: []string{"name"}},
		{Type: "steward"},
	},
}

func decodeFile(f *hcl.File, mod *Module) hcl.Diagnostics {
	content, diags := f.Body.Content(fileSchema)
	for _, b := range content.Blocks {
		switch b.Type {
		case "resource", "data":
			r, rdiags := decodeResource(b)
			diags = append(diags, rdiags...)
			if r != nil {
				diags = append(diags, mod.addResource(r)...)
			}
		case "variable":
			v, vdiags := decodeVariable(b)
			diags = append(diags, vdiags...)
			if v != nil {
				if prev, dup := mod.Variables[v.Name]; dup {
					diags = append(diags, duplicate("variable", v.Name, b.DefRange, prev.DeclRange))
				} else {
					mod.Variables[v.Name] = v
				}
			}
		case "locals":
			attrs, adiags := b.Body.JustAttributes()
			diags = append(diags, adiags...)
			for _, name := range sortedKeys(attrs) {
				a := attrs[name]
				if prev, dup := mod.Locals[name]; dup {
					diags = append(diags, duplicate("local value", name, a.NameRange, prev.DeclRange))
					continue
				}
				diags = append(diags, checkName("local value", name, a.NameRange)...)
				mod.Locals[name] = &Local{Name: name, Expr: a.Expr, DeclRange: a.Range}
			}
		case "output":
			o, odiags := decodeOutput(b)
			diags = append(diags, odiags...)
			if o != nil {
				if prev, dup := mod.Outputs[o.Name]; dup {
					diags = append(diags, duplicate("output", o.Name, b.DefRange, prev.DeclRange))
				} else {
					mod.Outputs[o.Name] = o
				}
			}
		case "provider":
			p, pdiags := decodeProvider(b)
			diags = append(diags, pdiags...)
			if p != nil {
				key := p.Ref().String()
				if prev, dup := mod.ProviderConfigs[key]; dup {
					diags = append(diags, duplicate("provider configuration", key, b.DefRange, prev.DeclRange))
				} else {
					mod.ProviderConfigs[key] = p
				}
			}
		case "module":
			c, cdiags := decodeModuleCall(b)
			diags = append(diags, cdiags...)
			if c != nil {
				if prev, dup := mod.ModuleCalls[c.Name]; dup {
					diags = append(diags, duplicate("module call", c.Name, b.DefRange, prev.DeclRange))
				} else {
					mod.ModuleCalls[c.Name] = c
				}
			}
		case "import":
			im, idiags := decodeImport(b)
			diags = append(diags, idiags...)
			if im != nil {
				mod.Imports = append(mod.Imports, im)
			}
		case "moved":
			mv, mdiags := decodeMoved(b)
			diags = append(diags, mdiags...)
			if mv != nil {
				mod.Moved = append(mod.Moved, mv)
			}
		case "check":
			c, cdiags := decodeCheck(b)
			diags = append(diags, cdiags...)
			if c != nil {
				mod.Checks = append(mod.Checks, c)
			}
		case "steward":
			s, sdiags := decodeSettings(b)
			diags = append(diags, sdiags...)
			if mod.Settings != nil {
				diags = append(diags, duplicate("steward settings block", "steward", b.DefRange, mod.Settings.DeclRange))
			} else {
				mod.Settings = s
			}
		}
	}
	return diags
}

func duplicate(kind, name string, rng, prev hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + kind,
		Detail:   fmt.Sprintf("A %s named %q was already declared at %s. Each %s needs a unique name within its module.", kind, name, prev, kind),
		Subject:  rng.Ptr(),
	}
}

func checkName(kind, name string, rng hcl.Range) hcl.Diagnostics {
	if hclsyntax.ValidIdentifier(name) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid name",
		Detail:   fmt.Sprintf("%q is not a valid %s name: a name starts with a letter or underscore and contains only letters, digits, underscores and dashes.", name, kind),
		Subject:  rng.Ptr(),
	}}
}

func (m *Module) addResource(r *Resource) hcl.Diagnostics {
	key := r.Type + "." + r.Name
	target := m.ManagedResources
	if r.Mode == addrs.DataMode {
		target = m.DataResources
	}
	if prev, dup := target[key]; dup {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Duplicate resource",
			Detail:   fmt.Sprintf("A resource %s was already declared at %s. Resource addresses must be unique within a module; rename one of them.", r.Addr(), prev.DeclRange),
			Subject:  r.DeclRange.Ptr(),
		}}
	}
	target[key] = r
	return nil
}

var resourceSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "count"}, {Name: "for_each"}, {Name: "depends_on"}, {Name: "provider"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
}

var lifecycleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "prevent_destroy"}, {Name: "create_before_destroy"}, {Name: "ignore_changes"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "precondition"}, {Type: "postcondition"}},
}

func decodeResource(b *hcl.Block) (*Resource, hcl.Diagnostics) {
	mode := addrs.ManagedMode
	if b.Type == "data" {
		mode = addrs.DataMode
	}
	r := &Resource{Mode: mode, Type: b.Labels[0], Name: b.Labels[1], DeclRange: b.DefRange, TypeRange: b.LabelRanges[0]}
	diags := checkName("resource", r.Name, b.LabelRanges[1])
	diags = append(diags, checkName("resource type", r.Type, b.LabelRanges[0])...)
	content, remain, cdiags := b.Body.PartialContent(resourceSchema)
	diags = append(diags, cdiags...)
	r.Config = remain
	var mdiags hcl.Diagnostics
	r.Count, r.ForEach, r.DependsOn, mdiags = decodeMeta(content, "resource")
	diags = append(diags, mdiags...)
	if a, ok := content.Attributes["provider"]; ok {
		ref, pdiags := decodeProviderRef(a.Expr)
		diags = append(diags, pdiags...)
		r.Provider = ref
		r.ProviderExplicit = !pdiags.HasErrors()
	}
	for _, lb := range content.Blocks {
		lc, ldiags := lb.Body.Content(lifecycleSchema)
		diags = append(diags, ldiags...)
		for name, a := range lc.Attributes {
			switch name {
			case "prevent_destroy":
				diags = append(diags, decodeConstBool(a, &r.Lifecycle.PreventDestroy)...)
			case "create_before_destroy":
				diags = append(diags, decodeConstBool(a, &r.Lifecycle.CreateBeforeDestroy)...)
			case "ignore_changes":
				if kw := hcl.ExprAsKeyword(a.Expr); kw == "all" {
					r.Lifecycle.IgnoreAllChanges = true
					continue
				}
				exprs, ediags := hcl.ExprList(a.Expr)
				diags = append(diags, ediags...)
				for _, e := range exprs {
					t, tdiags := hcl.RelTraversalForExpr(e)
					if tdiags.HasErrors() {
						diags = append(diags, &hcl.Diagnostic{
							Severity: hcl.DiagError,
							Summary:  "Invalid ignore_changes",
							Detail:   "ignore_changes takes `all` or a list of attribute names of this resource, such as [description, tags].",
							Subject:  e.Range().Ptr(),
						})
						continue
					}
					r.Lifecycle.IgnoreChanges = append(r.Lifecycle.IgnoreChanges, t)
				}
			}
		}
		for _, cb := range lc.Blocks {
			rule, rdiags := decodeCheckRule(cb)
			diags = append(diags, rdiags...)
			if rule == nil {
				continue
			}
			if cb.Type == "precondition" {
				r.Lifecycle.Preconditions = append(r.Lifecycle.Preconditions, rule)
			} else {
				r.Lifecycle.Postconditions = append(r.Lifecycle.Postconditions, rule)
			}
		}
	}
	return r, diags
}

// decodeMeta reads the meta-arguments resources and module calls share.
func decodeMeta(content *hcl.BodyContent, kind string) (count, forEach hcl.Expression, dependsOn []hcl.Traversal, diags hcl.Diagnostics) {
	if a, ok := content.Attributes["count"]; ok {
		count = a.Expr
	}
	if a, ok := content.Attributes["for_each"]; ok {
		forEach = a.Expr
		if count != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid combination of count and for_each",
				Detail:   fmt.Sprintf("A %s can use count or for_each, not both: count makes numbered instances, for_each makes one instance per key.", kind),
				Subject:  a.NameRange.Ptr(),
			})
		}
	}
	if a, ok := content.Attributes["depends_on"]; ok {
		var ddiags hcl.Diagnostics
		dependsOn, ddiags = decodeDependsOn(a)
		diags = append(diags, ddiags...)
	}
	return count, forEach, dependsOn, diags
}

func decodeConstBool(a *hcl.Attribute, dst *bool) hcl.Diagnostics {
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Value must be a constant",
			Detail:   fmt.Sprintf("%s must be true or false written literally: it is decided before any expression is evaluated.", a.Name),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	v, err := convert.Convert(v, cty.Bool)
	if err != nil || v.IsNull() {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value",
			Detail:   fmt.Sprintf("%s must be true or false.", a.Name),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	*dst = v.True()
	return nil
}

func decodeDependsOn(a *hcl.Attribute) ([]hcl.Traversal, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(a.Expr)
	var out []hcl.Traversal
	for _, e := range exprs {
		t, tdiags := hcl.AbsTraversalForExpr(e)
		if tdiags.HasErrors() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid depends_on reference",
				Detail:   "depends_on takes a list of references to resources, data sources or modules, such as [steward_data.base, module.site].",
				Subject:  e.Range().Ptr(),
			})
			continue
		}
		out = append(out, t)
	}
	return out, diags
}

func decodeProviderRef(e hcl.Expression) (ProviderRef, hcl.Diagnostics) {
	t, diags := hcl.AbsTraversalForExpr(e)
	bad := hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid provider reference",
		Detail:   "provider takes a provider name or name.alias written as a reference, such as network or network.edge.",
		Subject:  e.Range().Ptr(),
	}}
	if diags.HasErrors() || len(t) == 0 || len(t) > 2 {
		return ProviderRef{}, bad
	}
	ref := ProviderRef{Name: t.RootName()}
	if len(t) == 2 {
		attr, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			return ProviderRef{}, bad
		}
		ref.Alias = attr.Name
	}
	return ref, nil
}

func decodeCheckRule(b *hcl.Block) (*CheckRule, hcl.Diagnostics) {
	content, diags := b.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true}, {Name: "error_message", Required: true},
	}})
	if diags.HasErrors() {
		return nil, diags
	}
	return &CheckRule{
		Condition:    content.Attributes["condition"].Expr,
		ErrorMessage: content.Attributes["error_message"].Expr,
		DeclRange:    b.DefRange,
	}, diags
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}, {Name: "nullable"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

func decodeVariable(b *hcl.Block) (*Variable, hcl.Diagnostics) {
	v := &Variable{Name: b.Labels[0], Type: cty.DynamicPseudoType, Default: cty.NilVal, Nullable: true, DeclRange: b.DefRange}
	diags := checkName("variable", v.Name, b.LabelRanges[0])
	content, cdiags := b.Body.Content(variableSchema)
	diags = append(diags, cdiags...)
	if a, ok := content.Attributes["type"]; ok {
		ty, defaults, tdiags := typeexpr.TypeConstraintWithDefaults(a.Expr)
		diags = append(diags, tdiags...)
		if !tdiags.HasErrors() {
			v.Type, v.TypeDefaults = ty, defaults
		}
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeConstString(a, &v.Description)...)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, decodeConstBool(a, &v.Sensitive)...)
	}
	if a, ok := content.Attributes["nullable"]; ok {
		diags = append(diags, decodeConstBool(a, &v.Nullable)...)
	}
	if a, ok := content.Attributes["default"]; ok {
		val, vdiags := a.Expr.Value(nil)
		diags = append(diags, vdiags...)
		if !vdiags.HasErrors() {
			if v.TypeDefaults != nil {
				val = v.TypeDefaults.Apply(val)
			}
			conv, err := convert.Convert(val, v.Type)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid default value for variable",
					Detail:   fmt.Sprintf("The default value does not match the variable's type %s: %s.", typeexpr.TypeString(v.Type), err),
					Subject:  a.Expr.Range().Ptr(),
				})
			} else {
				v.Default = conv
			}
		}
	}
	for _, vb := range content.Blocks {
		rule, rdiags := decodeCheckRule(vb)
		diags = append(diags, rdiags...)
		if rule != nil {
			v.Validations = append(v.Validations, rule)
		}
	}
	return v, diags
}

func decodeConstString(a *hcl.Attribute, dst *string) hcl.Diagnostics {
	v, diags := a.Expr.Value(nil)
	if !diags.HasErrors() {
		v, err := convert.Convert(v, cty.String)
		if err == nil && !v.IsNull() && v.IsKnown() {
			*dst = v.AsString()
			return nil
		}
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Value must be a constant string",
		Detail:   fmt.Sprintf("%s must be a literal string: it is read before any expression is evaluated.", a.Name),
		Subject:  a.Expr.Range().Ptr(),
	}}
}

var outputSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "value", Required: true}, {Name: "description"}, {Name: "sensitive"}, {Name: "depends_on"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "precondition"}},
}

func decodeOutput(b *hcl.Block) (*Output, hcl.Diagnostics) {
	o := &Output{Name: b.Labels[0], DeclRange: b.DefRange}
	diags := checkName("output", o.Name, b.LabelRanges[0])
	content, cdiags := b.Body.Content(outputSchema)
	diags = append(diags, cdiags...)
	if a, ok := content.Attributes["value"]; ok {
		o.Expr = a.Expr
	} else {
		o.Expr = hcl.StaticExpr(cty.NullVal(cty.DynamicPseudoType), b.DefRange)
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeConstString(a, &o.Description)...)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, decodeConstBool(a, &o.Sensitive)...)
	}
	if a, ok := content.Attributes["depends_on"]; ok {
		deps, ddiags := decodeDependsOn(a)
		diags = append(diags, ddiags...)
		o.DependsOn = deps
	}
	for _, pb := range content.Blocks {
		rule, rdiags := decodeCheckRule(pb)
		diags = append(diags, rdiags...)
		if rule != nil {
			o.Preconditions = append(o.Preconditions, rule)
		}
	}
	return o, diags
}

func decodeProvider(b *hcl.Block) (*ProviderConfig, hcl.Diagnostics) {
	p := &ProviderConfig{Name: b.Labels[0], DeclRange: b.DefRange}
	diags := checkName("provider", p.Name, b.LabelRanges[0])
	content, remain, cdiags := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "alias"}}})
	diags = append(diags, cdiags...)
	if a, ok := content.Attributes["alias"]; ok {
		diags = append(diags, decodeConstString(a, &p.Alias)...)
		diags = append(diags, checkName("provider alias", p.Alias, a.Expr.Range())...)
	}
	p.Config = remain
	return p, diags
}

var moduleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "source", Required: true}, {Name: "count"}, {Name: "for_each"}, {Name: "depends_on"}, {Name: "providers"},
	},
}

func decodeModuleCall(b *hcl.Block) (*ModuleCall, hcl.Diagnostics) {
	c := &ModuleCall{Name: b.Labels[0], DeclRange: b.DefRange, Providers: map[string]ProviderRef{}}
	diags := checkName("module", c.Name, b.LabelRanges[0])
	content, remain, cdiags := b.Body.PartialContent(moduleSchema)
	diags = append(diags, cdiags...)
	if a, ok := content.Attributes["source"]; ok {
		diags = append(diags, decodeConstString(a, &c.Source)...)
		if c.Source != "" && !strings.HasPrefix(c.Source, "./") && !strings.HasPrefix(c.Source, "../") {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported module source",
				Detail:   fmt.Sprintf("The module source %q is not a local path. steward loads modules from directories beside the configuration: write a path starting with ./ or ../.", c.Source),
				Subject:  a.Expr.Range().Ptr(),
			})
			c.Source = ""
		}
	}
	var mdiags hcl.Diagnostics
	c.Count, c.ForEach, c.DependsOn, mdiags = decodeMeta(content, "module call")
	diags = append(diags, mdiags...)
	if a, ok := content.Attributes["providers"]; ok {
		pairs, pdiags := hcl.ExprMap(a.Expr)
		diags = append(diags, pdiags...)
		for _, kv := range pairs {
			k, kdiags := decodeProviderRef(kv.Key)
			v, vdiags := decodeProviderRef(kv.Value)
			diags = append(diags, kdiags...)
			diags = append(diags, vdiags...)
			if !kdiags.HasErrors() && !vdiags.HasErrors() {
				c.Providers[k.String()] = v
			}
		}
	}
	attrs, adiags := remain.JustAttributes()
	diags = append(diags, adiags...)
	c.Inputs = attrs
	if c.Source == "" && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing module source",
			Detail:   "A module block needs source = \"./path\" naming the module's directory.",
			Subject:  b.DefRange.Ptr(),
		})
	}
	return c, diags
}

func decodeImport(b *hcl.Block) (*Import, hcl.Diagnostics) {
	content, diags := b.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "to", Required: true}, {Name: "id", Required: true}, {Name: "provider"},
	}})
	if diags.HasErrors() {
		return nil, diags
	}
	im := &Import{ID: content.Attributes["id"].Expr, DeclRange: b.DefRange}
	toAttr := content.Attributes["to"]
	im.ToRange = toAttr.Expr.Range()
	t, tdiags := hcl.AbsTraversalForExpr(toAttr.Expr)
	if tdiags.HasErrors() {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid import address",
			Detail:   "to must be the address of a resource instance, such as steward_data.example or network_vlan.dept[\"sales\"].",
			Subject:  toAttr.Expr.Range().Ptr(),
		})
	}
	target, err := addrs.TargetFromTraversal(t)
	if err != nil || target.Resource == nil || target.Resource.Mode != addrs.ManagedMode {
		msg := "to must name a managed resource instance"
		if err != nil {
			msg = err.Error()
		}
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid import address",
			Detail:   msg + ".",
			Subject:  toAttr.Expr.Range().Ptr(),
		})
	}
	im.To = target
	return im, diags
}

func decodeMoved(b *hcl.Block) (*Moved, hcl.Diagnostics) {
	content, diags := b.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "from", Required: true}, {Name: "to", Required: true},
	}})
	if diags.HasErrors() {
		return nil, diags
	}
	mv := &Moved{DeclRange: b.DefRange}
	for _, name := range []string{"from", "to"} {
		a := content.Attributes[name]
		t, tdiags := hcl.AbsTraversalForExpr(a.Expr)
		var target addrs.Target
		var err error
		if !tdiags.HasErrors() {
			target, err = addrs.TargetFromTraversal(t)
		}
		if tdiags.HasErrors() || err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid moved address",
				Detail:   fmt.Sprintf("%s must be the address of a resource, a resource instance or a module call.", name),
				Subject:  a.Expr.Range().Ptr(),
			})
			continue
		}
		if name == "from" {
			mv.From = target
		} else {
			mv.To = target
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	if (mv.From.Resource == nil) != (mv.To.Resource == nil) {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid moved block",
			Detail:   "from and to must both name resources or both name modules.",
			Subject:  b.DefRange.Ptr(),
		})
	}
	return mv, diags
}

func decodeCheck(b *hcl.Block) (*Check, hcl.Diagnostics) {
	c := &Check{Name: b.Labels[0], DeclRange: b.DefRange}
	content, diags := b.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "assert"}}})
	for _, ab := range content.Blocks {
		rule, rdiags := decodeCheckRule(ab)
		diags = append(diags, rdiags...)
		if rule != nil {
			c.Asserts = append(c.Asserts, rule)
		}
	}
	return c, diags
}

var settingsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "required_version"}, {Name: "max_destroy"}},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "state", LabelNames: []string{"kind"}},
		{Type: "required_providers"},
	},
}

func decodeSettings(b *hcl.Block) (*Settings, hcl.Diagnostics) {
	s := &Settings{MaxDestroy: -1, DeclRange: b.DefRange}
	content, diags := b.Body.Content(settingsSchema)
	if a, ok := content.Attributes["required_version"]; ok {
		diags = append(diags, decodeConstString(a, &s.RequiredVersion)...)
	}
	if a, ok := content.Attributes["max_destroy"]; ok {
		v, vdiags := a.Expr.Value(nil)
		n := -1
		if !vdiags.HasErrors() {
			if cv, err := convert.Convert(v, cty.Number); err == nil && !cv.IsNull() {
				if i, acc := cv.AsBigFloat().Int64(); acc == 0 && i >= 0 {
					n = int(i)
				}
			}
		}
		if n < 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid max_destroy",
				Detail:   "max_destroy must be a whole number from 0: the most objects one plan may destroy.",
				Subject:  a.Expr.Range().Ptr(),
			})
		}
		s.MaxDestroy = n
	}
	for _, sb := range content.Blocks {
		switch sb.Type {
		case "state":
			s.State = &StateSettings{Kind: sb.Labels[0], Config: sb.Body, DeclRange: sb.DefRange}
		case "required_providers":
			rps, rdiags := decodeRequiredProviders(sb)
			diags = append(diags, rdiags...)
			if s.RequiredProviders == nil {
				s.RequiredProviders = rps
				continue
			}
			for name, rp := range rps {
				if prev, dup := s.RequiredProviders[name]; dup {
					diags = append(diags, duplicate("required provider", name, rp.DeclRange, prev.DeclRange))
					continue
				}
				s.RequiredProviders[name] = rp
			}
		}
	}
	return s, diags
}

// resolveProviders gives every resource without a `provider` argument the
// default configuration of the provider its type name starts with.
func (m *Module) resolveProviders() hcl.Diagnostics {
	for _, rs := range []map[string]*Resource{m.ManagedResources, m.DataResources} {
		for _, r := range rs {
			if !r.ProviderExplicit {
				name := r.Type
				if i := strings.IndexByte(name, '_'); i > 0 {
					name = name[:i]
				}
				r.Provider = ProviderRef{Name: name}
			}
		}
	}
	return nil
}
