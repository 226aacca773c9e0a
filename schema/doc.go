// Package schema is the language providers use to describe their resource
// types to the engine: attributes with cty types, which of them are
// required, optional or computed, which are sensitive or write-only, which
// force the object to be replaced when they change, their defaults,
// validation and documentation, and nested blocks.
//
// A schema is data, in the style of hcldec: the engine derives from it the
// HCL decoder spec that turns a block's body into a cty.Value with precise
// diagnostics, and the cty type the provider's objects conform to.
package schema
