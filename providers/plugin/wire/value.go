package wire

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"

	pb "github.com/stewardhq/steward/providers/plugin/proto/steward/provider/v1"
)

// EncodeValue encodes v, expected to be of type ty. cty.NilVal (no value at
// all) encodes as nil so that it decodes as cty.NilVal again.
func EncodeValue(v cty.Value, ty cty.Type) (*pb.DynamicValue, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	v, _ = v.UnmarkDeep()
	if ty != cty.NilType && ty != cty.DynamicPseudoType && v.Type().Equals(ty) {
		b, err := ctymsgpack.Marshal(v, ty)
		if err != nil {
			return nil, fmt.Errorf("encoding a value of type %s: %w", ty.FriendlyName(), err)
		}
		return &pb.DynamicValue{Msgpack: b}, nil
	}
	b, err := ctymsgpack.Marshal(v, cty.DynamicPseudoType)
	if err != nil {
		return nil, fmt.Errorf("encoding a value of type %s: %w", v.Type().FriendlyName(), err)
	}
	return &pb.DynamicValue{Msgpack: b, Dynamic: true}, nil
}

// DecodeValue decodes what EncodeValue encoded with the same ty.
func DecodeValue(dv *pb.DynamicValue, ty cty.Type) (cty.Value, error) {
	if dv == nil {
		return cty.NilVal, nil
	}
	if dv.Dynamic || ty == cty.NilType {
		ty = cty.DynamicPseudoType
	}
	v, err := ctymsgpack.Unmarshal(dv.Msgpack, ty)
	if err != nil {
		return cty.NilVal, fmt.Errorf("decoding a value of type %s: %w", ty.FriendlyName(), err)
	}
	return v, nil
}
