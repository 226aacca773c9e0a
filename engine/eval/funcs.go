package eval

import (
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/stewardhq/steward/schema"
)

// sensitiveFunc marks a value sensitive, so that it is redacted wherever it
// flows: sensitive(var.community_string).
var sensitiveFunc = function.New(&function.Spec{
	Description: "Marks a value as sensitive so that steward redacts it in plans, output and state.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return args[0].Mark(schema.Sensitive), nil
	},
})

// nonsensitiveFunc removes the sensitive mark from a value the author
// knows is safe to show, such as the length of a password list.
var nonsensitiveFunc = function.New(&function.Spec{
	Description: "Removes the sensitive mark from a value that is safe to show.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		delete(marks, schema.Sensitive)
		return v.WithMarks(marks), nil
	},
})
