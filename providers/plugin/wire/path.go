package wire

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"

	pb "github.com/stewardhq/steward/providers/plugin/proto/steward/provider/v1"
)

// EncodePath encodes a cty.Path; a nil path encodes as nil.
func EncodePath(p cty.Path) (*pb.AttributePath, error) {
	if p == nil {
		return nil, nil
	}
	out := &pb.AttributePath{Steps: make([]*pb.AttributePath_Step, 0, len(p))}
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			out.Steps = append(out.Steps, &pb.AttributePath_Step{Selector: &pb.AttributePath_Step_AttributeName{AttributeName: s.Name}})
		case cty.IndexStep:
			out.Steps = append(out.Steps, encodeKey(s.Key))
		default:
			return nil, fmt.Errorf("unsupported path step %T", step)
		}
	}
	return out, nil
}

func encodeKey(k cty.Value) *pb.AttributePath_Step {
	k, _ = k.Unmark()
	if k.IsKnown() && !k.IsNull() {
		switch k.Type() {
		case cty.String:
			return &pb.AttributePath_Step{Selector: &pb.AttributePath_Step_ElementKeyString{ElementKeyString: k.AsString()}}
		case cty.Number:
			if i, acc := k.AsBigFloat().Int64(); acc == 0 {
				return &pb.AttributePath_Step{Selector: &pb.AttributePath_Step_ElementKeyInt{ElementKeyInt: i}}
			}
		}
	}
	// Dynamic encoding cannot fail for an unmarked value.
	dv, _ := EncodeValue(k, cty.DynamicPseudoType)
	return &pb.AttributePath_Step{Selector: &pb.AttributePath_Step_ElementKeyValue{ElementKeyValue: dv}}
}

// DecodePath decodes what EncodePath encoded.
func DecodePath(ap *pb.AttributePath) (cty.Path, error) {
	if ap == nil {
		return nil, nil
	}
	p := make(cty.Path, 0, len(ap.Steps))
	for i, st := range ap.Steps {
		switch s := st.Selector.(type) {
		case *pb.AttributePath_Step_AttributeName:
			p = append(p, cty.GetAttrStep{Name: s.AttributeName})
		case *pb.AttributePath_Step_ElementKeyString:
			p = append(p, cty.IndexStep{Key: cty.StringVal(s.ElementKeyString)})
		case *pb.AttributePath_Step_ElementKeyInt:
			p = append(p, cty.IndexStep{Key: cty.NumberIntVal(s.ElementKeyInt)})
		case *pb.AttributePath_Step_ElementKeyValue:
			k, err := DecodeValue(s.ElementKeyValue, cty.DynamicPseudoType)
			if err != nil {
				return nil, fmt.Errorf("path step %d: %w", i, err)
			}
			p = append(p, cty.IndexStep{Key: k})
		default:
			return nil, fmt.Errorf("path step %d is empty", i)
		}
	}
	return p, nil
}
