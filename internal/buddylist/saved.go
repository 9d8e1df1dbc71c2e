package buddylist

import (
	"encoding/json"
	"fmt"

	"github.com/aim-oscar/aim/internal/oscar"
)

// DecodeEdit reads a 13,08, 13,09 or 13,0A body (a push of another
// session's edit, or an edit to replay) into an Edit. The items alias body
// until Apply copies them.
func DecodeEdit(t oscar.SNACType, body []byte) (Edit, error) {
	var m oscar.FeedbagInsert
	switch t {
	case oscar.TypeFeedbagInsertItem, oscar.TypeFeedbagUpdateItem, oscar.TypeFeedbagDeleteItem:
	default:
		return Edit{}, fmt.Errorf("buddylist: %v is not a feedbag edit", t)
	}
	if err := m.Decode(body); err != nil {
		return Edit{}, err
	}
	return Edit{Type: t, Items: m.Items}, nil
}

// savedItem is an item in the saved form of a Feedbag.
type savedItem struct {
	Name    string `json:"name,omitempty"`
	GroupID uint16 `json:"group_id"`
	ItemID  uint16 `json:"item_id"`
	Class   uint16 `json:"class"`
	TLVs    []byte `json:"tlvs,omitempty"` // base64
}

type savedFeedbag struct {
	Modified uint32      `json:"modified"`
	Items    []savedItem `json:"items"`
}

// MarshalJSON saves the copy (for the state directory): its time and its
// items, TLV blocks in base64.
func (f *Feedbag) MarshalJSON() ([]byte, error) {
	s := savedFeedbag{Modified: f.Modified, Items: make([]savedItem, len(f.items))}
	for i, it := range f.items {
		s.Items[i] = savedItem{it.Name, it.GroupID, it.ItemID, it.Class, it.TLVs}
	}
	return json.Marshal(s)
}

// UnmarshalJSON reads what MarshalJSON saved. A TLV block that does not
// parse is an error: the saved copy is then not to be trusted (ask the
// server with 13,04).
func (f *Feedbag) UnmarshalJSON(b []byte) error {
	var s savedFeedbag
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	items := make([]oscar.FeedbagItem, len(s.Items))
	for i, it := range s.Items {
		tlvs, err := oscar.ParseTLVs(it.TLVs)
		if err != nil {
			return fmt.Errorf("buddylist: saved item %d (%q): %w", i, it.Name, err)
		}
		if len(tlvs) == 0 {
			tlvs = nil
		}
		items[i] = oscar.FeedbagItem{Name: it.Name, GroupID: it.GroupID, ItemID: it.ItemID, Class: it.Class, TLVs: tlvs}
	}
	*f = Feedbag{items: items, Modified: s.Modified}
	return nil
}
