package console

import (
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/fault"
)

// The texts of the services' errors that carry a reason key
// (fault.Reason): "fault.<key>", formatted with the reason's arguments
// (by explicit index where a text leaves some out). An error without a
// key, or with a key not here, is shown in the service's English words.
var faultMessages = map[string]msg{
	"fault.maker_checker": {"您经办（制作、申请或复核）了此事项，须由另一位有审批权限的用户审批（经办与审批分离）。",
		"You made, requested or reviewed this: another user with the approval permission decides it (maker-checker)."},
	"fault.role_forbidden":   {"当前岗位无权执行此操作。", "Your post may not do this."},
	"fault.version_conflict": {"此记录已被他人修改，请刷新页面后重试。", "Someone else changed this record meanwhile: reload the page and try again."},
	"fault.batch_state":      {"支付批次 %[1]v 的状态已变化，不能执行此操作，请刷新页面查看。", "Batch %[1]v is no longer in a state for this: reload the page."},
	"fault.case_state":       {"案件 %[1]v 已不在可办理此环节的状态，请刷新页面查看。", "Case %[1]v is no longer at this step: reload the page."},
	"fault.case_on_notice":   {"案件 %[1]v 正在公示，公示期满（%[2]v）后方可审批。", "Case %[1]v is on public notice until %[2]v: approve it after that."},
	"fault.case_objection_open": {"案件 %[2]v 的异议（%[1]v）尚未处理，处理后方可审批。",
		"Objection %[1]v to case %[2]v is not resolved yet: resolve it before the approval."},
	"fault.screening_superseded":   {"筛查批次 %[1]v 已被批次 %[2]v 取代，请办理新的批次。", "Screening run %[1]v was superseded by run %[2]v: work on that one."},
	"fault.screening_not_proposed": {"筛查批次 %[1]v 已不在待复核状态，或本辖区的条目已复核；每个条目只复核一次。", "Screening run %[1]v is no longer waiting for this review: each item is reviewed once."},
	"fault.screening_no_items":     {"筛查批次 %[1]v 没有本辖区需要复核的条目。", "Screening run %[1]v has no items of your region to review."},
	"fault.screening_reviewed":     {"筛查批次 %[2]v 中本辖区的条目已经复核过。", "The items of your region in screening run %[2]v were reviewed already."},
	"fault.screening_decided":      {"筛查批次 %[1]v 已经审批过。", "Screening run %[1]v was decided already."},
	"fault.screening_not_reviewed": {"筛查批次 %[1]v 尚有县市未完成复核，全部复核后方可批准。", "Screening run %[1]v still waits for some counties' review: it is approved once every item is reviewed."},
	// Field problems.
	"fault.password_too_short":        {"至少需要 %[1]d 个字符", "must be at least %[1]d characters"},
	"fault.password_is_username":      {"不能与用户名相同", "must not be the username"},
	"fault.password_unchanged":        {"不能与当前密码相同", "must differ from the current password"},
	"fault.batch_note_required":       {"退回须填写理由", "give the reason the batch is sent back"},
	"fault.screening_note_required":   {"不批准须填写理由", "give the reason the run is rejected"},
	"fault.screening_reason_required": {"请说明不同意的理由（第 %[1]v 条未单独填写理由）", "say why the items left out are not accepted (items %[1]v have no reason of their own)"},
}

func init() { register(faultMessages) }

// reasonText returns the text of a reason in l, or "" when the console
// has none for its key.
func reasonText(l Lang, r fault.Reason) string {
	m, ok := messages["fault."+r.Key]
	if r.Key == "" || !ok {
		return ""
	}
	s := m.zh
	if l == EN {
		s = m.en
	}
	if strings.Contains(s, "%") {
		return fmt.Sprintf(s, r.Args...)
	}
	return s
}

// faultText returns the message of a fault error in l: the text of its
// reason when it has one the console knows, the service's words
// otherwise.
func faultText(l Lang, err error) string {
	if s := reasonText(l, fault.ReasonOf(err)); s != "" {
		return s
	}
	return faultMessage(err)
}

// faultFieldsIn returns the field problems of a fault error in l: each by
// the text of its reason where it has one the console knows, the
// service's words otherwise.
func faultFieldsIn(l Lang, err error) map[string]string {
	var fe *fault.Error
	if !errors.As(err, &fe) || len(fe.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(fe.Fields))
	for f, v := range fe.Fields {
		if s := reasonText(l, fe.FieldReasons[f]); s != "" {
			v = s
		}
		out[f] = v
	}
	return out
}
