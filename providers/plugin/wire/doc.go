// Package wire converts between steward's provider types (cty values and
// paths, diagnostics, schemas and the batched requests of
// providers.Provider) and the protobuf messages of the plugin protocol in
// providers/plugin/proto/steward/provider/v1.
//
// Both sides of a plugin connection hold the provider's schema, so values
// travel as msgpack of the type the schema implies for them; a value of
// any other type (a null of unknown type, an attribute of dynamic type)
// travels as msgpack of cty.DynamicPseudoType, which carries its own type.
// Marks are stripped before encoding: providers receive unmarked values by
// contract, and the engine re-marks what comes back from the schema.
package wire
