// Package backendtest is the conformance suite every backend.Backend must
// pass. A backend's tests call Run with a function that returns a backend
// for a fresh, empty location (not yet created):
//
//	func TestConformance(t *testing.T) {
//		backendtest.Run(t, func(t *testing.T) backend.Backend {
//			return local.New(t.TempDir())
//		})
//	}
//
// The suite checks the contracts documented on backend.Backend: Create
// refuses an existing repository; Save and Load round-trip, including
// ranges; missing files match backend.ErrNotExist; List sees every file of a
// type and only those; only lock files are replaced; a Save that fails
// halfway leaves nothing behind; concurrent Saves work; and a cancelled
// context stops every operation.
package backendtest
