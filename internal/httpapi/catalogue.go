package httpapi

import (
	"bytes"
	"net/http"
	"strconv"

	"safetynet/internal/assistance"
	"safetynet/internal/exchange"
	"safetynet/internal/fault"
)

// Media type and file name of the catalogue's XLSX export.
const (
	xlsxMediaType     = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	catalogueFileName = "lianzhu-qingdan.xlsx"
)

// assistanceItemResponse is an item of the catalogue of assistance items
// (联助清单).
type assistanceItemResponse struct {
	ID       string `json:"id" example:"medical_assistance"`
	NameZH   string `json:"name_zh" example:"医疗救助（门诊救助、住院救助）"`
	NameEN   string `json:"name_en" example:"Medical assistance for outpatient and inpatient costs"`
	Category string `json:"category" enum:"basic_living,special_medical,special_education,special_housing,special_employment,emergency,allowance,other"`
	// DepartmentZH and DepartmentEN name the responsible department
	// (责任部门).
	DepartmentZH string `json:"department_zh" example:"昌吉州医疗保障局"`
	DepartmentEN string `json:"department_en" example:"Changji Prefecture Healthcare Security Bureau"`
	// QualifiesZH and QualifiesEN say in words who qualifies (对象条件).
	QualifiesZH string `json:"qualifies_zh"`
	QualifiesEN string `json:"qualifies_en"`
	// Layers are the classification layers that open the item (tekun,
	// dibao, dibao_edge, rigid_expense, low_income), or anyone alone.
	Layers []string `json:"layers" required:"true" nullable:"false"`
	// Programme is the policy programme that decides the item (see GET
	// /api/v1/programmes/{id}); absent when none does.
	Programme     string `json:"programme,omitempty" example:"heating_assistance"`
	ContactOffice string `json:"contact_office" example:"州医疗保障局待遇保障科"`
	ContactPhone  string `json:"contact_phone" example:"0994-2xxxxxx" description:"an office number; placeholders (x digits) until the bureau's contacts are entered"`
	Source        string `json:"source"`
	Status        string `json:"status" enum:"confirmed,unconfirmed"`
}

func assistanceItemOf(it assistance.Item) assistanceItemResponse {
	out := assistanceItemResponse{ID: it.ID, NameZH: it.Name.ZH, NameEN: it.Name.EN, Category: string(it.Category),
		DepartmentZH: it.Department.ZH, DepartmentEN: it.Department.EN, QualifiesZH: it.Qualifies.ZH, QualifiesEN: it.Qualifies.EN,
		Layers: make([]string, len(it.Layers)), Programme: it.Programme, ContactOffice: it.Contact.Office,
		ContactPhone: it.Contact.Phone, Source: it.Source, Status: it.Status}
	for i, l := range it.Layers {
		out.Layers[i] = string(l)
	}
	return out
}

// assistanceItemListParams are the filters of the catalogue and its export.
type assistanceItemListParams struct {
	Layer string `query:"layer" enum:"tekun,dibao,dibao_edge,rigid_expense,low_income,none,anyone" description:"only the items this classification layer opens, those open to anyone included; none and anyone give only the items open to anyone"`
	// Category is one part of the assistance system.
	Category   string `query:"category" enum:"basic_living,special_medical,special_education,special_housing,special_employment,emergency,allowance,other"`
	Department string `query:"department" example:"医疗保障" description:"only the items whose department's Chinese or English name contains this text"`
}

// assistanceItemParams are the parameters of an item's URL.
type assistanceItemParams struct {
	ID string `path:"id" example:"heating_assistance"`
}

// filter is the catalogue filter of the parameters; an unknown layer or
// category is an Invalid error naming the parameter.
func (p assistanceItemListParams) filter() (assistance.CatalogueFilter, error) {
	var pr fault.Problems
	f := assistance.CatalogueFilter{Department: p.Department}
	if p.Layer != "" {
		l, err := assistance.ParseLayer(p.Layer)
		if err != nil {
			pr.Add("layer", "%v", err)
		}
		f.Layer = l
	}
	if p.Category != "" {
		c, err := assistance.ParseCategory(p.Category)
		if err != nil {
			pr.Add("category", "%v", err)
		}
		f.Category = c
	}
	return f, pr.Err("invalid query parameters")
}

// handleListAssistanceItems lists the catalogue, or the part the filters
// select, in the order of the published list.
func (s *server) handleListAssistanceItems(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[assistanceItemPageParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	f, err := p.filter()
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, wholePage(s.cat.Items(f), page, assistanceItemOf))
	return nil
}

// assistanceItemPageParams are the filters of the catalogue and a page.
type assistanceItemPageParams struct {
	assistanceItemListParams
	pageParams
}

// handleGetAssistanceItem returns one item.
func (s *server) handleGetAssistanceItem(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[assistanceItemParams](r)
	if err != nil {
		return err
	}
	it, ok := s.cat.Item(p.ID)
	if !ok {
		return fault.Errorf(fault.NotFound, "assistance item %s not found", p.ID)
	}
	reply(w, r, http.StatusOK, assistanceItemOf(it))
	return nil
}

// handleExportAssistanceItems returns the catalogue, or the part the
// filters select, as an XLSX workbook to download.
func (s *server) handleExportAssistanceItems(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[assistanceItemListParams](r)
	if err != nil {
		return err
	}
	f, err := p.filter()
	if err != nil {
		return err
	}
	header, rows := assistance.CatalogueTable(s.cat.Items(f))
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, exchange.Sheet{Name: "联助清单", Header: header, Rows: rows}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", xlsxMediaType)
	h.Set("Content-Disposition", `attachment; filename="`+catalogueFileName+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
