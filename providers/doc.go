// Package providers defines the contract between the engine and the code
// that manages real systems: the Provider interface, its batched requests
// and responses, provider diagnostics, and the registry of built-in
// providers.
//
// Every operation that can touch a remote system takes many objects at once.
// The engine discovers all of a provider's objects in one Discover call, and
// hands ApplyChanges every change that is ready for the provider together, so
// that a network provider can push all of one device's changes in a single
// configuration session and a directory provider can read a whole subtree in
// one search. The engine never needs one round trip per resource.
package providers
