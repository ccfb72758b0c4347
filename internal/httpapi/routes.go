package httpapi

import (
	"context"
	"net/http"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/registry"
)

// route is one endpoint: its pattern, handler, and what the OpenAPI
// document says about it.
type route struct {
	method  string
	path    string
	handler handler
	// public routes need no sign-in.
	public bool
	// op is the OpenAPI operationId, in camelCase and chosen by hand:
	// "decideAssistanceCase", not one derived from the path. Unique.
	op      string
	tag     string
	summary string
	// description says more than the summary, when there is more to say;
	// the document adds what follows from the route's other fields
	// (sign-in, paging, limits, maker-checker).
	description string
	// params is a struct whose path:"" and query:"" fields describe the
	// URL parameters; nil for none.
	params any
	// body is the JSON request body type; nil for none.
	body any
	// status and resp are the success status and body; resp nil for none.
	status int
	resp   any
	// accepted is the body of a 202 Accepted answer the route may also
	// give, for a change held for a second user's approval; nil for none.
	accepted any
	// contentType is the success body's media type when it is not JSON,
	// such as "text/html" for a printable page; resp is then "".
	contentType string
	// limited routes count against a per-user limit (429 over it).
	limited bool
}

// handler is the shape of every API handler: it writes its answer and
// returns nil, or returns the error, which ServeHTTP maps to a problem
// answer by writeError, the one place errors become HTTP statuses.
type handler func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP runs h and answers its error, if any, as a problem.
func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h(w, r); err != nil {
		writeError(w, r, err)
	}
}

// routes lists every route of the API, in the order of the OpenAPI
// document. Every route outside public ones requires a signed-in user.
func (s *server) routes() []route {
	type (
		personList        = listResponse[personResponse]
		householdList     = listResponse[householdResponse]
		organisationList  = listResponse[organisationResponse]
		employmentList    = listResponse[employmentResponse]
		auditList         = listResponse[auditEventResponse]
		disabilityList    = listResponse[disabilityResponse]
		bankAccountList   = listResponse[bankAccountResponse]
		regionList        = listResponse[regionResponse]
		programmeList     = listResponse[programmeSummaryResponse]
		parameterList     = listResponse[parameterSummaryResponse]
		enrolmentList     = listResponse[enrolmentResponse]
		arrearsList       = listResponse[arrearsRowResponse]
		assessmentRowList = listResponse[assessmentRowResponse]
		contributionList  = listResponse[contributionResponse]
		assistanceList    = listResponse[assistanceItemResponse]
	)
	rs := []route{
		{method: "GET", path: "/healthz", op: "getHealth", handler: s.handleHealth, public: true, tag: "system",
			summary: "Report that the service is up", status: http.StatusOK, resp: healthResponse{}},
		{method: "GET", path: "/api/v1/openapi.json", op: "getOpenAPIDocument", handler: s.handleOpenAPI, public: true, tag: "system",
			summary: "This OpenAPI document", status: http.StatusOK, resp: map[string]any{}},
		{method: "GET", path: "/api/v1/openapi-3.0.json", op: "getOpenAPI30Document", handler: s.handleOpenAPI30, public: true, tag: "system",
			summary: "This document rendered as OpenAPI 3.0, for client generators that read only 3.0", status: http.StatusOK, resp: map[string]any{}},

		{method: "POST", path: loginPath, op: "signIn", handler: s.handleLogin, public: true, tag: "session",
			summary: "Sign in: get a bearer token (also set as the sn_session cookie)",
			body:    loginRequest{}, status: http.StatusOK, resp: loginResponse{}},
		{method: "POST", path: "/api/v1/logout", op: "signOut", handler: s.handleLogout, tag: "session",
			summary: "Sign out: end the session", status: http.StatusNoContent},
		{method: "GET", path: "/api/v1/me", op: "getMe", handler: s.handleMe, tag: "session",
			summary: "The signed-in user", status: http.StatusOK, resp: userResponse{}},

		{method: "GET", path: "/api/v1/persons", op: "listPersons", handler: s.handleListPersons, tag: "persons",
			summary: "List persons in your scope (each person listed is recorded as read; searches by id_number are recorded and limited per user and hour: 429 over it)", params: personListParams{}, status: http.StatusOK, resp: personList{}, limited: true},
		{method: "POST", path: "/api/v1/persons", op: "createPerson", handler: s.handleCreatePerson, tag: "persons",
			summary: "Register a person (an id_number registered already is 409 and counts as a search by id_number: recorded and limited per user and hour, 429 over it)", body: personRequest{}, status: http.StatusCreated, resp: personResponse{}, limited: true},
		{method: "GET", path: "/api/v1/persons/{id}", op: "getPerson", handler: s.handleGetPerson, tag: "persons",
			summary: "Read a person (the read is audited)", params: personParams{}, status: http.StatusOK, resp: personResponse{}},
		{method: "PATCH", path: "/api/v1/persons/{id}", op: "updatePerson", handler: s.handlePatchPerson, tag: "persons",
			summary: "Change a person (send the version you read); a change of name or ID number, sent alone with its reason, answers 202 with a pending identity change request for a second user; a new id_number registered already is 409 and counts as a search by id_number (429 over the limit)",
			params:  personParams{}, body: personPatch{}, status: http.StatusOK, resp: personResponse{}, accepted: identityChangeResponse{}, limited: true},
		{method: "POST", path: "/api/v1/persons/{id}/death", op: "recordDeath", handler: s.handleRecordDeath, tag: "persons",
			summary: "Record a person's death", params: personParams{}, body: deathRequest{}, status: http.StatusOK, resp: personResponse{}},
		{method: "GET", path: "/api/v1/persons/{id}/disabilities", op: "listDisabilities", handler: s.handleListDisabilities, tag: "persons",
			summary: "List a person's disability records", params: personPageParams{}, status: http.StatusOK, resp: disabilityList{}},
		{method: "POST", path: "/api/v1/persons/{id}/disabilities", op: "createDisability", handler: s.handleCreateDisability, tag: "persons",
			summary: "Record a disability certificate", params: personParams{}, body: disabilityRequest{},
			status: http.StatusCreated, resp: disabilityResponse{}},
		{method: "GET", path: "/api/v1/persons/{id}/bank-accounts", op: "listPersonBankAccounts", handler: s.handleListBankAccounts(registry.OwnerPerson), tag: "persons",
			summary: "List a person's bank accounts", params: personPageParams{}, status: http.StatusOK, resp: bankAccountList{}},
		{method: "POST", path: "/api/v1/persons/{id}/bank-accounts", op: "createPersonBankAccount", handler: s.handleCreateBankAccount(registry.OwnerPerson), tag: "persons",
			summary: "Request a bank account for a person, in the holder's registered name or a confirmed payee agent's: pending until another user confirms it", params: personParams{}, body: bankAccountRequest{},
			status: http.StatusCreated, resp: bankAccountResponse{}},

		{method: "GET", path: "/api/v1/households", op: "listHouseholds", handler: s.handleListHouseholds, tag: "households",
			summary: "List households in your scope", params: householdListParams{}, status: http.StatusOK, resp: householdList{}},
		{method: "POST", path: "/api/v1/households", op: "createHousehold", handler: s.handleCreateHousehold, tag: "households",
			summary: "Register a household with its members", body: householdRequest{}, status: http.StatusCreated, resp: householdResponse{}},
		{method: "GET", path: "/api/v1/households/{id}", op: "getHousehold", handler: getByID(s.reg.Household, householdOf), tag: "households",
			summary: "Read a household", params: householdParams{}, status: http.StatusOK, resp: householdResponse{}},
		{method: "PATCH", path: "/api/v1/households/{id}", op: "updateHousehold", handler: s.handlePatchHousehold, tag: "households",
			summary: "Change a household; members, if sent, replace the old ones", params: householdParams{},
			body: householdPatch{}, status: http.StatusOK, resp: householdResponse{}},

		{method: "GET", path: "/api/v1/organisations", op: "listOrganisations", handler: s.handleListOrganisations, tag: "organisations",
			summary: "List organisations in your scope", params: organisationListParams{}, status: http.StatusOK, resp: organisationList{}},
		{method: "POST", path: "/api/v1/organisations", op: "createOrganisation", handler: s.handleCreateOrganisation, tag: "organisations",
			summary: "Register an organisation", body: organisationRequest{}, status: http.StatusCreated, resp: organisationResponse{}},
		{method: "GET", path: "/api/v1/organisations/{id}", op: "getOrganisation", handler: getByID(s.reg.Organisation, organisationOf), tag: "organisations",
			summary: "Read an organisation", params: organisationParams{}, status: http.StatusOK, resp: organisationResponse{}},
		{method: "PATCH", path: "/api/v1/organisations/{id}", op: "updateOrganisation", handler: s.handlePatchOrganisation, tag: "organisations",
			summary: "Change an organisation", params: organisationParams{}, body: organisationPatch{},
			status: http.StatusOK, resp: organisationResponse{}},
		{method: "GET", path: "/api/v1/organisations/{id}/bank-accounts", op: "listOrganisationBankAccounts", handler: s.handleListBankAccounts(registry.OwnerOrganisation), tag: "organisations",
			summary: "List an organisation's bank accounts", params: organisationPageParams{}, status: http.StatusOK, resp: bankAccountList{}},
		{method: "POST", path: "/api/v1/organisations/{id}/bank-accounts", op: "createOrganisationBankAccount", handler: s.handleCreateBankAccount(registry.OwnerOrganisation), tag: "organisations",
			summary: "Request a bank account for an organisation, in its name: pending until another user confirms it", params: organisationParams{}, body: bankAccountRequest{},
			status: http.StatusCreated, resp: bankAccountResponse{}},

		{method: "GET", path: "/api/v1/employment", op: "listEmployment", handler: s.handleListEmployment, tag: "employment",
			summary: "List employment spells in your scope", params: employmentListParams{}, status: http.StatusOK, resp: employmentList{}},
		{method: "POST", path: "/api/v1/employment", op: "createEmployment", handler: s.handleCreateEmployment, tag: "employment",
			summary: "Record a spell of employment", body: employmentRequest{}, status: http.StatusCreated, resp: employmentResponse{}},
		{method: "GET", path: "/api/v1/employment/{id}", op: "getEmployment", handler: getByID(s.reg.Employment, employmentOf), tag: "employment",
			summary: "Read a spell of employment", params: employmentParams{}, status: http.StatusOK, resp: employmentResponse{}},
		{method: "PATCH", path: "/api/v1/employment/{id}", op: "updateEmployment", handler: s.handlePatchEmployment, tag: "employment",
			summary: "Change a spell, e.g. end it with a separation reason", params: employmentParams{},
			body: employmentPatch{}, status: http.StatusOK, resp: employmentResponse{}},

		{method: "GET", path: "/api/v1/enrolments", op: "listEnrolments", handler: s.handleListEnrolments, tag: "insurance",
			summary: "List social insurance enrolments in your scope", params: enrolmentListParams{}, status: http.StatusOK, resp: enrolmentList{}},
		{method: "POST", path: "/api/v1/enrolments", op: "createEnrolment", handler: s.handleCreateEnrolment, tag: "insurance",
			summary: "Enrol a person in a scheme: through an employer, as a flexible worker, or as a resident",
			body:    enrolmentRequest{}, status: http.StatusCreated, resp: enrolmentResponse{}},
		{method: "GET", path: "/api/v1/enrolments/{id}", op: "getEnrolment", handler: getByID(s.ins.Enrolment, enrolmentOf), tag: "insurance",
			summary: "Read an enrolment", params: enrolmentParams{}, status: http.StatusOK, resp: enrolmentResponse{}},
		{method: "POST", path: "/api/v1/enrolments/{id}/suspension", op: "suspendEnrolment", handler: s.handleTransitionEnrolment(insurance.Suspended), tag: "insurance",
			summary: "Suspend an enrolment from a month on (send the version you read)", params: enrolmentParams{},
			body: transitionRequest{}, status: http.StatusOK, resp: enrolmentResponse{}},
		{method: "POST", path: "/api/v1/enrolments/{id}/resumption", op: "resumeEnrolment", handler: s.handleTransitionEnrolment(insurance.Active), tag: "insurance",
			summary: "Resume a suspended enrolment from a month on (send the version you read)", params: enrolmentParams{},
			body: transitionRequest{}, status: http.StatusOK, resp: enrolmentResponse{}},
		{method: "POST", path: "/api/v1/enrolments/{id}/termination", op: "terminateEnrolment", handler: s.handleTransitionEnrolment(insurance.Terminated), tag: "insurance",
			summary: "Terminate an enrolment from a month on (send the version you read)", params: enrolmentParams{},
			body: transitionRequest{}, status: http.StatusOK, resp: enrolmentResponse{}},
		{method: "GET", path: "/api/v1/assessments", op: "listAssessments", handler: s.handleListAssessments, tag: "insurance",
			summary: "List the contributions assessed for a month (核定应缴)", params: assessmentListParams{}, status: http.StatusOK, resp: assessmentRowList{}},
		{method: "GET", path: "/api/v1/contributions", op: "listContributions", handler: s.handleListContributions, tag: "insurance",
			summary: "List collected contributions (缴费记录); a citizen lists their own", params: contributionListParams{}, status: http.StatusOK, resp: contributionList{}},
		{method: "POST", path: "/api/v1/assessments", op: "runAssessment", handler: s.handleAssess, tag: "insurance",
			summary: "Run the monthly contribution assessment for your scope or a subtree, replacing the month's earlier run",
			body:    assessmentRequest{}, status: http.StatusOK, resp: assessmentResponse{}},
		{method: "POST", path: "/api/v1/payments", op: "postContributions", handler: s.handlePostPayments, tag: "insurance",
			summary: "Post contributions collected at the window, all or none", body: paymentsRequest{},
			status: http.StatusCreated, resp: postedResponse{}},
		{method: "GET", path: "/api/v1/arrears", op: "listArrears", handler: s.handleArrears, tag: "insurance",
			summary: "List employers' months and schemes with less paid than due", params: arrearsParams{},
			status: http.StatusOK, resp: arrearsList{}},
		{method: "GET", path: "/api/v1/reports/insurance", op: "getInsuranceReport", handler: s.handleCoverageReport, tag: "reports",
			summary: "Insured persons by scheme and county, coverage rates and contributions collected month by month", params: reportParams{},
			status: http.StatusOK, resp: coverageReport{}},

		{method: "GET", path: "/api/v1/regions", op: "listRegions", handler: s.handleListRegions, tag: "regions",
			summary: "List the children of a region, or the top of the tree", params: regionListParams{}, status: http.StatusOK, resp: regionList{}},
		{method: "GET", path: "/api/v1/regions/{code}", op: "getRegion", handler: s.handleGetRegion, tag: "regions",
			summary: "Read a region with its children", params: regionParams{}, status: http.StatusOK, resp: regionResponse{}},
		{method: "POST", path: "/api/v1/regions", op: "createRegion", handler: s.handleCreateRegion, tag: "regions",
			summary: "Add a region under an existing parent", body: regionRequest{}, status: http.StatusCreated, resp: regionResponse{}},
		{method: "PATCH", path: "/api/v1/regions/{code}", op: "updateRegion", handler: s.handlePatchRegion, tag: "regions",
			summary: "Rename a region", params: regionParams{}, body: regionPatch{}, status: http.StatusOK, resp: regionResponse{}},

		{method: "GET", path: "/api/v1/programmes", op: "listProgrammes", handler: s.handleListProgrammes, tag: "policy",
			summary: "List the programmes of the policy package", params: pageParams{}, status: http.StatusOK, resp: programmeList{}},
		{method: "GET", path: "/api/v1/programmes/{id}", op: "getProgramme", handler: s.handleGetProgramme, tag: "policy",
			summary: "Read a programme with its conditions and amount", params: programmeParams{}, status: http.StatusOK, resp: programmeResponse{}},
		{method: "GET", path: "/api/v1/parameters", op: "listParameters", handler: s.handleListParameters, tag: "policy",
			summary: "List the parameters, by key", params: parameterListParams{}, status: http.StatusOK, resp: parameterList{}},
		{method: "GET", path: "/api/v1/parameters/{key}", op: "getParameter", handler: s.handleGetParameter, tag: "policy",
			summary: "Read a parameter's dated values and region overrides", params: parameterParams{}, status: http.StatusOK, resp: parameterResponse{}},
		{method: "POST", path: "/api/v1/evaluate", op: "evaluateProgramme", handler: s.handleEvaluate, tag: "policy",
			summary: "Decide one programme for one case, with the explanation", body: evaluateRequest{}, status: http.StatusOK, resp: decisionResponse{}},
		{method: "POST", path: "/api/v1/whatif", op: "simulateWhatIf", handler: s.handleWhatIf, tag: "policy",
			summary: "Compare a programme's beneficiaries and cost by county under changed parameters, over a synthetic population of up to 200,000 cases",
			body:    whatIfRequest{}, status: http.StatusOK, resp: whatIfResponse{}},

		// The catalogue of assistance items is public information, published
		// by the civil-affairs bureau: no sign-in.
		{method: "GET", path: "/api/v1/assistance-items", op: "listAssistanceItems", handler: s.handleListAssistanceItems, public: true, tag: "assistance",
			summary: "List the assistance items a low-income household can get, with department, who qualifies and contact (联助清单)",
			params:  assistanceItemPageParams{}, status: http.StatusOK, resp: assistanceList{}},
		{method: "GET", path: "/api/v1/assistance-items/export.xlsx", op: "exportAssistanceItems", handler: s.handleExportAssistanceItems, public: true, tag: "assistance",
			summary: "Download the list of assistance items as an XLSX workbook (lianzhu-qingdan.xlsx), with the same filters",
			params:  assistanceItemListParams{}, status: http.StatusOK, resp: "", contentType: xlsxMediaType},
		{method: "GET", path: "/api/v1/assistance-items/{id}", op: "getAssistanceItem", handler: s.handleGetAssistanceItem, public: true, tag: "assistance",
			summary: "Read an assistance item", params: assistanceItemParams{}, status: http.StatusOK, resp: assistanceItemResponse{}},

		{method: "GET", path: "/api/v1/audit", op: "listAuditEvents", handler: s.handleListAudit, tag: "audit",
			summary: "Read the audit trail in your scope (auditors)", params: auditListParams{}, status: http.StatusOK, resp: auditList{}},
	}
	rs = append(rs, s.accountRoutes()...)
	rs = append(rs, s.transferRoutes()...)
	rs = append(rs, s.pensionRoutes()...)
	rs = append(rs, s.benefitRoutes()...)
	rs = append(rs, s.assistanceRoutes()...)
	rs = append(rs, s.screeningRoutes()...)
	rs = append(rs, s.alertRoutes()...)
	rs = append(rs, s.paymentRoutes()...)
	rs = append(rs, s.refundRoutes()...)
	rs = append(rs, s.deathRoutes()...)
	rs = append(rs, s.closingRoutes()...)
	rs = append(rs, s.payeeRoutes()...)
	rs = append(rs, s.identityRoutes()...)
	rs = append(rs, s.runListRoutes()...)
	rs = append(rs, s.sessionRoutes()...)
	rs = append(rs, s.userRoutes()...)
	rs = append(rs, s.matterRoutes()...)
	rs = append(rs, s.crossProvinceRoutes()...)
	rs = append(rs, s.ratingRoutes()...)
	rs = append(rs, s.applicationRoutes()...)
	rs = append(rs, s.applicationReportRoutes()...)
	rs = append(rs, s.applicationRatingRoutes()...)
	rs = append(rs, s.citizenRoutes()...)
	return rs
}

// getByID serves GET .../{id}: the record find returns for the path's id,
// as out writes it.
func getByID[ID ~int64, T, R any](find func(context.Context, ID) (T, error), out func(T) R) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := bind[idParams](r)
		if err != nil {
			return err
		}
		v, err := find(r.Context(), ID(p.ID))
		if err != nil {
			return err
		}
		reply(w, r, http.StatusOK, out(v))
		return nil
	}
}

// decide serves POST .../{id}/decision (decisionRequest) on a record that
// is decided while pending, without a version: an approver's approval or
// rejection of the record of the path's id, written by out.
func decide[ID ~int64, T, R any](decide func(ctx context.Context, id ID, approve bool, note string) (T, error), out func(T) R) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, req, approve, err := bindDecision(r, false)
		if err != nil {
			return err
		}
		v, err := decide(r.Context(), ID(p.ID), approve, req.Note)
		if err != nil {
			return err
		}
		reply(w, r, http.StatusOK, out(v))
		return nil
	}
}

// idParams are the parameters of a URL with one numeric id.
type idParams struct {
	ID int64 `path:"id" minimum:"1"`
}

// idPageParams are the parameters of a list under a URL with one numeric
// id.
type idPageParams struct {
	ID int64 `path:"id" minimum:"1"`
	pageParams
}

// Decision outcomes: the values of decisionRequest.Outcome.
const (
	outcomeApprove = "approve"
	outcomeReject  = "reject"
)

// decisionRequest is the one body of every second user's decision,
// POST .../{id}/decision (docs/conventions.md, API).
type decisionRequest struct {
	Outcome string `json:"outcome" required:"true" enum:"approve,reject" description:"approve, or reject: for an assistance case a refusal (or, of a fast-track grant, its reversal)"`
	Note    string `json:"note,omitempty" example:"核实无误" description:"the decider's note; the reason, required to reject"`
	Version *int64 `json:"version,omitempty" minimum:"1" description:"the version you read: required where the record is versioned (assistance cases, payment batches), 409 when it changed since; other records are decided only while pending and take none"`
}

// bindDecision binds the {id} of a decision route and reads its
// decisionRequest: whether it approves, and, when versioned, that it
// carries the version.
func bindDecision(r *http.Request, versioned bool) (idParams, decisionRequest, bool, error) {
	p, req, err := bindBody[idParams, decisionRequest](r)
	if err != nil {
		return p, req, false, err
	}
	var pr fault.Problems
	switch req.Outcome {
	case outcomeApprove, outcomeReject:
	case "":
		pr.Add("outcome", "is required: approve or reject")
	default:
		pr.Add("outcome", "must be approve or reject")
	}
	if versioned {
		requireVersion(&pr, req.Version)
	} else if req.Version != nil {
		pr.Add("version", "is not taken here: the record is decided only while pending")
	}
	if err := pr.Err("invalid decision"); err != nil {
		return p, req, false, err
	}
	return p, req, req.Outcome == outcomeApprove, nil
}
