package wire

import (
	"fmt"
	"sort"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	pb "github.com/stewardhq/steward/providers/plugin/proto/steward/provider/v1"
	"github.com/stewardhq/steward/schema"
)

// EncodeSchema encodes a provider schema. Resources, attributes and blocks
// are sorted by name so that a schema always encodes the same way.
func EncodeSchema(s *schema.Provider) (*pb.Schema, error) {
	out := &pb.Schema{}
	if s.Config != nil {
		b, err := encodeBlock(s.Config)
		if err != nil {
			return nil, fmt.Errorf("provider configuration: %w", err)
		}
		out.Config = b
	}
	var err error
	if out.Resources, err = encodeResources(s.Resources); err != nil {
		return nil, err
	}
	if out.DataSources, err = encodeResources(s.DataSources); err != nil {
		return nil, fmt.Errorf("data source %w", err)
	}
	return out, nil
}

func encodeResources(rs map[string]*schema.Resource) ([]*pb.Schema_Resource, error) {
	names := make([]string, 0, len(rs))
	for n := range rs {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*pb.Schema_Resource, 0, len(names))
	for _, n := range names {
		b, err := encodeBlock(&rs[n].Block)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		out = append(out, &pb.Schema_Resource{TypeName: n, Version: int64(rs[n].Version), Block: b})
	}
	return out, nil
}

func encodeBlock(b *schema.Block) (*pb.Schema_Block, error) {
	out := &pb.Schema_Block{Description: b.Description}
	for _, name := range b.AttributeNames() {
		a := b.Attributes[name]
		ty, err := ctyjson.MarshalType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		pa := &pb.Schema_Attribute{
			Name: name, Type: ty, Description: a.Description,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed,
			Sensitive: a.Sensitive, ForceNew: a.ForceNew, WriteOnly: a.WriteOnly,
			HasValidator: a.Validate != nil,
		}
		if a.Default != cty.NilVal {
			if pa.Default, err = EncodeValue(a.Default, a.Type); err != nil {
				return nil, fmt.Errorf("attribute %s default: %w", name, err)
			}
		}
		out.Attributes = append(out.Attributes, pa)
	}
	for _, name := range b.BlockTypeNames() {
		nb := b.BlockTypes[name]
		inner, err := encodeBlock(&nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		out.BlockTypes = append(out.BlockTypes, &pb.Schema_NestedBlock{
			TypeName: name, Block: inner, Nesting: pb.Schema_NestingMode(nb.Nesting),
			MinItems: int64(nb.MinItems), MaxItems: int64(nb.MaxItems), ForceNew: nb.ForceNew,
		})
	}
	return out, nil
}

// DecodeSchema decodes a provider schema. Validators do not cross the
// wire: attributes come back without Validate, and the plugin checks values
// itself (see providers/plugin).
func DecodeSchema(ps *pb.Schema) (*schema.Provider, error) {
	if ps == nil {
		return nil, fmt.Errorf("the provider sent no schema")
	}
	out := &schema.Provider{}
	if ps.Config != nil {
		b, err := decodeBlock(ps.Config)
		if err != nil {
			return nil, fmt.Errorf("provider configuration: %w", err)
		}
		out.Config = b
	} else {
		out.Config = &schema.Block{}
	}
	var err error
	if out.Resources, err = decodeResources(ps.Resources); err != nil {
		return nil, err
	}
	if out.DataSources, err = decodeResources(ps.DataSources); err != nil {
		return nil, fmt.Errorf("data source %w", err)
	}
	return out, nil
}

func decodeResources(rs []*pb.Schema_Resource) (map[string]*schema.Resource, error) {
	out := make(map[string]*schema.Resource, len(rs))
	for _, r := range rs {
		b, err := decodeBlock(r.Block)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.TypeName, err)
		}
		out[r.TypeName] = &schema.Resource{Block: schema.Block{Attributes: b.Attributes, BlockTypes: b.BlockTypes, Description: b.Description}, Version: int(r.Version)}
	}
	return out, nil
}

func decodeBlock(pbb *pb.Schema_Block) (*schema.Block, error) {
	b := &schema.Block{Attributes: map[string]*schema.Attribute{}, BlockTypes: map[string]*schema.NestedBlock{}}
	if pbb == nil {
		return b, nil
	}
	b.Description = pbb.Description
	for _, pa := range pbb.Attributes {
		ty, err := ctyjson.UnmarshalType(pa.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: type: %w", pa.Name, err)
		}
		a := &schema.Attribute{
			Type: ty, Description: pa.Description,
			Required: pa.Required, Optional: pa.Optional, Computed: pa.Computed,
			Sensitive: pa.Sensitive, ForceNew: pa.ForceNew, WriteOnly: pa.WriteOnly,
		}
		if pa.Default != nil {
			if a.Default, err = DecodeValue(pa.Default, ty); err != nil {
				return nil, fmt.Errorf("attribute %s default: %w", pa.Name, err)
			}
		}
		b.Attributes[pa.Name] = a
	}
	for _, pn := range pbb.BlockTypes {
		inner, err := decodeBlock(pn.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", pn.TypeName, err)
		}
		if pn.Nesting < pb.Schema_SINGLE || pn.Nesting > pb.Schema_MAP {
			return nil, fmt.Errorf("block %s: unknown nesting mode %d", pn.TypeName, pn.Nesting)
		}
		b.BlockTypes[pn.TypeName] = &schema.NestedBlock{
			Block:    schema.Block{Attributes: inner.Attributes, BlockTypes: inner.BlockTypes, Description: inner.Description},
			Nesting:  schema.NestingMode(pn.Nesting),
			MinItems: int(pn.MinItems), MaxItems: int(pn.MaxItems), ForceNew: pn.ForceNew,
		}
	}
	return b, nil
}

// Types finds the type a value is expected to have from a provider's
// schema: a resource type's or data source's implied object type, or the
// provider configuration's. A name the schema does not know gives
// cty.DynamicPseudoType, which makes values carry their own type.
type Types struct {
	Schema *schema.Provider
}

// Resource is the implied type of a managed resource type's objects.
func (t Types) Resource(name string) cty.Type {
	if r, ok := t.Schema.Resources[name]; ok {
		return r.ImpliedType()
	}
	return cty.DynamicPseudoType
}

// DataSource is the implied type of a data source's objects.
func (t Types) DataSource(name string) cty.Type {
	if r, ok := t.Schema.DataSources[name]; ok {
		return r.ImpliedType()
	}
	return cty.DynamicPseudoType
}

// Config is the implied type of the provider's configuration.
func (t Types) Config() cty.Type {
	if t.Schema.Config == nil {
		return cty.DynamicPseudoType
	}
	return t.Schema.Config.ImpliedType()
}
