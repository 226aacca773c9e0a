package plugin

import (
	goplugin "github.com/hashicorp/go-plugin"
)

// ProtocolVersion is the plugin protocol version, the major version of the
// proto package steward.provider.v1. Steward refuses a plugin that speaks
// another.
const ProtocolVersion = 1

// Handshake is what steward and a plugin check before talking. The magic
// cookie is not security: it tells a plugin binary that a steward started
// it, so that running it by hand prints an explanation instead of hanging.
var Handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "STEWARD_PROVIDER_PLUGIN",
	MagicCookieValue: "d3f1a7c2-steward-provider-plugin",
}

// pluginName is the one plugin kind a binary serves.
const pluginName = "provider"

// maxMessageSize bounds one request or response. Batches of thousands of
// objects exceed gRPC's default of 4 MiB.
const maxMessageSize = 256 << 20
