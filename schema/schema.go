package schema

import (
	"fmt"
	"sort"
	"sync"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// Attribute describes one argument of a block.
type Attribute struct {
	// Type is the attribute's cty type. cty.DynamicPseudoType accepts any value.
	Type cty.Type
	// Description documents the attribute for `providers schema` and editors.
	Description string

	// Required attributes must be set in configuration. Optional ones may be.
	// Computed ones are set by the provider; Optional+Computed means the
	// provider fills in a value when the configuration leaves it unset.
	Required, Optional, Computed bool

	// Sensitive values are redacted in plans, logs and state.
	Sensitive bool
	// ForceNew means a change to this attribute replaces the object.
	ForceNew bool
	// WriteOnly values are passed to the provider on apply but never kept in
	// plan or state, except as a keyed hash to notice a change.
	WriteOnly bool

	// Default is used when an optional attribute is unset. cty.NilVal means none.
	Default cty.Value
	// Validate checks a known, non-null value and explains what would be valid.
	Validate func(cty.Value) error
}

// NestingMode says how many times a nested block may appear and how its
// instances are collected into a value.
type NestingMode int

const (
	// NestingSingle allows at most one block; its value is an object (null if absent).
	NestingSingle NestingMode = iota
	// NestingList collects blocks in order into a list of objects.
	NestingList
	// NestingSet collects blocks into a set of objects.
	NestingSet
	// NestingMap collects labelled blocks into a map of objects keyed by label.
	NestingMap
)

// NestedBlock describes a block type that may appear inside another.
type NestedBlock struct {
	Block
	Nesting            NestingMode
	MinItems, MaxItems int
	// ForceNew means any change inside these blocks replaces the object.
	ForceNew bool
}

// Block describes the body of a block: its attributes and nested blocks.
type Block struct {
	Attributes  map[string]*Attribute
	BlockTypes  map[string]*NestedBlock
	Description string

	once sync.Once
	spec hcldec.Spec
	ty   cty.Type
}

// Resource describes one resource type or data source.
type Resource struct {
	Block
	// Version is the schema version recorded with each object in state.
	Version int
}

// Provider describes everything a provider offers.
type Provider struct {
	// Config is the schema of the provider's own configuration block.
	Config *Block
	// Resources are the managed resource types, by type name.
	Resources map[string]*Resource
	// DataSources are the data sources, by type name.
	DataSources map[string]*Resource
}

func (b *Block) build() {
	b.once.Do(func() {
		b.ty = b.impliedType()
		b.spec = b.decoderSpec()
	})
}

// ImpliedType returns the object type of values conforming to b.
func (b *Block) ImpliedType() cty.Type {
	b.build()
	return b.ty
}

// DecoderSpec returns the hcldec spec that decodes a body against b.
func (b *Block) DecoderSpec() hcldec.Spec {
	b.build()
	return b.spec
}

func (b *Block) impliedType() cty.Type {
	atys := make(map[string]cty.Type, len(b.Attributes)+len(b.BlockTypes))
	for name, a := range b.Attributes {
		atys[name] = a.Type
	}
	for name, nb := range b.BlockTypes {
		ety := nb.Block.impliedType()
		switch nb.Nesting {
		case NestingSingle:
			atys[name] = ety
		case NestingList:
			atys[name] = cty.List(ety)
		case NestingSet:
			atys[name] = cty.Set(ety)
		case NestingMap:
			atys[name] = cty.Map(ety)
		}
	}
	return cty.Object(atys)
}

func (b *Block) decoderSpec() hcldec.Spec {
	spec := make(hcldec.ObjectSpec, len(b.Attributes)+len(b.BlockTypes))
	for name, a := range b.Attributes {
		if a.Computed && !a.Optional && !a.Required {
			// Set by the provider only; an argument of this name is rejected
			// by hcldec as unsupported, which is what the user needs to hear.
			continue
		}
		spec[name] = &hcldec.AttrSpec{Name: name, Type: a.Type, Required: a.Required}
	}
	for name, nb := range b.BlockTypes {
		inner := nb.Block.decoderSpec()
		switch nb.Nesting {
		case NestingSingle:
			spec[name] = &hcldec.BlockSpec{TypeName: name, Nested: inner, Required: nb.MinItems > 0}
		case NestingList:
			spec[name] = &hcldec.BlockListSpec{TypeName: name, Nested: inner, MinItems: nb.MinItems, MaxItems: nb.MaxItems}
		case NestingSet:
			spec[name] = &hcldec.BlockSetSpec{TypeName: name, Nested: inner, MinItems: nb.MinItems, MaxItems: nb.MaxItems}
		case NestingMap:
			spec[name] = &hcldec.BlockMapSpec{TypeName: name, Nested: inner, LabelNames: []string{"key"}}
		}
	}
	return spec
}

// AttributeNames returns b's attribute names in sorted order.
func (b *Block) AttributeNames() []string {
	names := make([]string, 0, len(b.Attributes))
	for n := range b.Attributes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// BlockTypeNames returns b's nested block type names in sorted order.
func (b *Block) BlockTypeNames() []string {
	names := make([]string, 0, len(b.BlockTypes))
	for n := range b.BlockTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// AttributeAt finds the attribute a path points at, looking through nested
// blocks. It returns nil when the path leads elsewhere.
func (b *Block) AttributeAt(path cty.Path) *Attribute {
	cur := b
	for i := 0; i < len(path); i++ {
		ga, ok := path[i].(cty.GetAttrStep)
		if !ok {
			return nil
		}
		if a, ok := cur.Attributes[ga.Name]; ok {
			return a
		}
		nb, ok := cur.BlockTypes[ga.Name]
		if !ok {
			return nil
		}
		cur = &nb.Block
		if nb.Nesting != NestingSingle {
			i++ // skip the index into the collection of blocks
		}
	}
	return nil
}

// InternalValidate checks the schema itself; providers call it from tests.
func (b *Block) InternalValidate() error {
	for name, a := range b.Attributes {
		n := 0
		for _, f := range []bool{a.Required, a.Optional, a.Computed && !a.Optional} {
			if f {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("attribute %q: exactly one of Required, Optional or Computed (alone or with Optional) must be set", name)
		}
		if a.Type == cty.NilType {
			return fmt.Errorf("attribute %q has no type", name)
		}
		if a.Default != cty.NilVal && !a.Optional {
			return fmt.Errorf("attribute %q: only optional attributes can have a default", name)
		}
		if a.WriteOnly && a.Computed {
			return fmt.Errorf("attribute %q: write-only attributes cannot be computed", name)
		}
	}
	for name, nb := range b.BlockTypes {
		if _, clash := b.Attributes[name]; clash {
			return fmt.Errorf("%q is both an attribute and a block type", name)
		}
		if nb.Nesting == NestingMap && (nb.MinItems != 0 || nb.MaxItems != 0) {
			return fmt.Errorf("block %q: MinItems and MaxItems are not supported for map blocks", name)
		}
		if err := nb.Block.InternalValidate(); err != nil {
			return fmt.Errorf("block %q: %w", name, err)
		}
	}
	return nil
}
