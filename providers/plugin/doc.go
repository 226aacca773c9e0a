// Package plugin runs steward providers out of process, over the versioned
// gRPC protocol in proto/steward/provider/v1 and hashicorp/go-plugin.
//
// It is both halves of the connection:
//
//   - Serve is the SDK entry point for plugin authors: a provider written
//     against the providers and schema packages becomes a plugin binary
//     with `func main() { plugin.Serve(myprovider.New()) }`.
//   - NewClient is what steward uses: it returns a providers.Factory whose
//     providers start the plugin binary and forward every call to it, so
//     the engine cannot tell a plugin from a built-in provider.
//
// A plugin that crashes, hangs or is not a plugin at all becomes an error
// diagnostic naming the provider and its binary, never a hang or a panic
// in steward. See README.md for the SDK, the protocol's versioning and how
// to regenerate the Go code from the .proto file.
package plugin
