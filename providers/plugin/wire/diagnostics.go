package wire

import (
	"github.com/stewardhq/steward/providers"
	pb "github.com/stewardhq/steward/providers/plugin/proto/steward/provider/v1"
)

// EncodeDiagnostics encodes diagnostics. A path that cannot be encoded is
// dropped rather than losing the diagnostic: the message matters more than
// where it points.
func EncodeDiagnostics(ds providers.Diagnostics) []*pb.Diagnostic {
	if len(ds) == 0 {
		return nil
	}
	out := make([]*pb.Diagnostic, len(ds))
	for i, d := range ds {
		sev := pb.Diagnostic_ERROR
		if d.Severity == providers.Warning {
			sev = pb.Diagnostic_WARNING
		}
		ap, _ := EncodePath(d.Attribute)
		out[i] = &pb.Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail, Attribute: ap}
	}
	return out
}

// DecodeDiagnostics decodes diagnostics. Anything that is not a warning is
// an error, so that a newer plugin's unknown severity stops rather than
// passes.
func DecodeDiagnostics(ds []*pb.Diagnostic) providers.Diagnostics {
	if len(ds) == 0 {
		return nil
	}
	out := make(providers.Diagnostics, len(ds))
	for i, d := range ds {
		sev := providers.Error
		if d.Severity == pb.Diagnostic_WARNING {
			sev = providers.Warning
		}
		p, _ := DecodePath(d.Attribute)
		out[i] = providers.Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail, Attribute: p}
	}
	return out
}
