"""The demo's policy register and research topics (seed 三.3 "开展高新区政策研究"): national,
provincial and zone documents of 2003–2024 in the style of such documents (titles, 文号 and texts
written for the demo — not the text of any real document), registered through the services by the
office and the provinces; five research topics led by demo universities and institutes, one of
them completed with its report, proposal and the policy adopted from it. Idempotent."""

import random
from datetime import date
from typing import Any

from nesta.demo.zones.accounts import ZonesContext

# (scope, province code or zone keys, title, 文号, issuer, issued, effective until, summary, text)
DOCUMENTS: list[tuple[str, Any, str, str, str, str, str | None, str, str]] = [
    (
        "national", None,
        "国务院关于进一步支持国家高新技术产业开发区发展的决定",
        "国发〔2003〕31号", "国务院", "2003-11-12", None,
        "明确国家高新区“二次创业”的方向：从政策优惠驱动转向创新驱动，从规模扩张转向质量提升；"
        "支持东北地区七个国家高新区在体制机制、孵化体系和对外开放方面先行先试。",
        "一、总体要求\n国家高新技术产业开发区是发展高新技术产业的重要基地。新时期，高新区要实现"
        "“二次创业”，着力提高自主创新能力，优化创新创业环境，增强对区域经济的辐射带动作用。\n"
        "二、主要措施\n（一）完善高新区管理体制，赋予管委会相应的经济管理权限。（二）加快建设创业中心、"
        "大学科技园、海外学子创业园等孵化器。（三）对区内高新技术企业继续实行有关税收优惠政策。"
        "（四）支持振兴东北老工业基地，东北地区国家高新区可结合实际适当扩大建区面积。",
    ),
    (
        "national", None,
        "科学技术部关于推进国家高新区“二次创业”的若干意见",
        "国科发高字〔2004〕58号", "科学技术部", "2004-02-26", None,
        "提出“五个转变”：由注重招商引资向注重引进培育并重转变，由追求产值向提高创新能力转变，"
        "由优惠政策驱动向优化环境转变，由比较优势向竞争优势转变，由单一产业向产业集群转变。",
        "为贯彻落实国务院关于支持国家高新区发展的决定，推动高新区实现“二次创业”，现提出如下意见。"
        "各高新区要把增强自主创新能力作为中心环节，以孵化器和公共技术服务平台建设为抓手，"
        "培育一批具有核心竞争力的科技型企业。科技部将在火炬计划、科技型中小企业技术创新基金等"
        "方面对东北地区国家高新区给予倾斜支持。",
    ),
    (
        "national", None,
        "科学技术部 财政部关于设立振兴东北国家高新区专项扶持资金的通知",
        "国科发计字〔2004〕412号", "科学技术部、财政部", "2004-09-20", "2010-12-31",
        "设立专项扶持资金并给予财政贴息，重点支持东北国家高新区内带动作用强的高新技术项目，"
        "加大对传统产业的辐射作用。",
        "一、资金用途\n专项扶持资金主要用于：东北地区七个国家高新区内具有带动作用的高新技术产业化项目；"
        "孵化器公共服务平台建设；对符合条件的项目贷款给予财政贴息。\n二、支持方式\n"
        "采取无偿资助与贷款贴息相结合的方式。贴息率不超过同期贷款基准利率，贴息期限一般不超过三年。\n"
        "三、管理\n资金由科技部会同财政部统筹管理，三省科技厅负责项目推荐和监督检查。",
    ),
    (
        "national", None,
        "关于东北地区国家高新区企业研究开发费用加计扣除有关问题的通知",
        "财税〔2006〕88号", "财政部、国家税务总局、科学技术部", "2006-07-03", None,
        "东北地区国家高新区内的高新技术企业，研究开发费用可按规定加计扣除；明确费用归集范围和备案程序。",
        "为鼓励东北地区国家高新区企业加大研发投入，经研究，现就有关问题通知如下：区内经认定的高新技术"
        "企业发生的研究开发费用，未形成无形资产计入当期损益的，在按规定据实扣除的基础上，"
        "按研究开发费用的一定比例加计扣除。企业应设立研发费用辅助账，按项目归集。",
    ),
    (
        "national", None,
        "科学技术部关于加快国家高新区创新创业服务体系建设的指导意见",
        "国科发火〔2012〕203号", "科学技术部", "2012-05-15", None,
        "以孵化器为核心，构建“创业苗圃—孵化器—加速器”的全链条孵化体系；推动孵化器专业化、市场化发展。",
        "国家高新区要把创新创业服务体系建设作为“二次创业”的重要任务。支持建设专业孵化器和企业加速器，"
        "鼓励社会资本兴办孵化机构；完善创业导师、天使投资和知识产权服务；对绩效突出的孵化器给予奖励。",
    ),
    (
        "national", None,
        "关于支持东北地区国家高新区高质量发展的若干措施",
        "国科发区〔2021〕146号", "科学技术部", "2021-06-08", "2025-12-31",
        "支持东北国家高新区建设创新型产业集群，推动“一区多园”发展，深化与东部地区高新区结对合作。",
        "一、强化创新策源：支持高新区内企业牵头建设技术创新中心。二、优化空间布局：支持符合条件的"
        "高新区按程序调整扩大区域范围，推动“一区多园”。三、深化开放合作：推动东北高新区与东部地区"
        "高新区建立对口合作机制。四、完善评价：将东北高新区纳入国家高新区评价并单列指标。",
    ),
    (
        "province", "210000",
        "辽宁省人民政府关于支持沈阳大连鞍山国家高新区二次创业的若干政策",
        "辽政发〔2004〕17号", "辽宁省人民政府", "2004-05-18", None,
        "省财政每年安排高新区发展专项资金；下放部分省级经济管理权限；支持沈大鞍高新区建设孵化器和公共技术平台。",
        "为推动我省国家高新区实现“二次创业”，省政府决定：一、省财政设立高新区发展专项资金，"
        "重点支持区内高新技术产业化项目和孵化器建设。二、将部分省级经济管理权限下放至高新区管委会。"
        "三、对新认定的国家级孵化器给予一次性补助。四、支持高新区引进海外留学人员创业。",
    ),
    (
        "province", "220000",
        "吉林省人民政府关于加快长春吉林国家高新区发展的意见",
        "吉政发〔2004〕29号", "吉林省人民政府", "2004-08-30", None,
        "支持长春、吉林两个国家高新区发展汽车电子、光电子、生物医药和化工新材料产业；完善投融资服务。",
        "长春、吉林国家高新区是全省高新技术产业发展的主要载体。要围绕汽车、光电子、生物医药、"
        "化工新材料等优势领域，培育产业集群；设立创业投资引导资金；对区内科技型中小企业贷款给予贴息。",
    ),
    (
        "province", "230000",
        "黑龙江省人民政府关于促进哈尔滨大庆国家高新区跨越发展的决定",
        "黑政发〔2005〕41号", "黑龙江省人民政府", "2005-09-12", None,
        "推动哈尔滨、大庆高新区在装备制造、石化新材料和对俄科技合作方面率先突破。",
        "一、明确定位：哈尔滨高新区重点发展装备制造、电子信息和生物产业，大庆高新区重点发展石化深加工"
        "和新材料产业。二、加大投入：省级科技计划向两个高新区倾斜。三、扩大开放：支持建设对俄科技合作"
        "园区和国际技术转移平台。",
    ),
    (
        "province", "210000",
        "辽宁省高新区科技企业孵化器认定和扶持管理办法",
        "辽科发〔2009〕23号", "辽宁省科学技术厅、辽宁省财政厅", "2009-03-02", "2019-12-31",
        "规定省级孵化器的认定条件、考核指标和扶持方式，对在孵企业毕业率高的孵化器给予奖励。",
        "第一条 为规范我省高新区科技企业孵化器的认定和管理，制定本办法。\n第五条 申请认定省级孵化器，"
        "应具备不少于一万平方米的孵化场地，在孵企业不少于三十家，并有专职管理和服务人员。\n"
        "第十二条 省科技厅每年对孵化器进行考核，考核结果作为扶持资金安排的依据。",
    ),
    (
        "province", "220000",
        "吉林省引导民营科技企业进入高新区发展扶持办法",
        "吉科发〔2015〕7号", "吉林省科学技术厅", "2015-04-20", None,
        "引导民营科技企业进入高新区；科技计划和创新基金向科技型民营企业倾斜。",
        "对新入区的民营科技企业，在场地租金、研发设备购置和人才引进方面给予支持；"
        "省级科技计划项目中，民营科技企业牵头的项目比例不低于三分之一。",
    ),
    (
        "zone", ["zone-shenyang"],
        "沈阳高新区二次创业行动纲要（2004—2010年）",
        "沈高新管发〔2004〕5号", "沈阳高新技术产业开发区管理委员会", "2004-03-10", "2010-12-31",
        "提出到 2010 年营业收入翻两番、孵化面积翻一番的目标，建设软件、装备制造和新材料三大产业基地。",
        "一、目标：到 2010 年，区内企业营业收入比 2003 年翻两番，高新技术企业数量翻一番，孵化器面积达到"
        "五十万平方米。二、任务：建设软件、先进装备制造和新材料三个产业基地；完善创业服务中心功能；"
        "推进管理体制改革。",
    ),
    (
        "zone", ["zone-dalian"],
        "大连高新区海外学子创业园扶持办法",
        "大高新发〔2007〕12号", "大连高新技术产业园区管理委员会", "2007-06-01", None,
        "对留学人员创办的企业给予三年免租、创业启动资金和人才公寓支持。",
        "第三条 留学回国人员在创业园内新创办的企业，可享受三年内孵化用房免租金；经评审的优秀项目，"
        "给予创业启动资金支持。第六条 创业园为入园企业提供工商、财务、知识产权等一站式服务。",
    ),
    (
        "zone", ["zone-changchun"],
        "长春高新区科技型中小企业贷款贴息管理办法",
        "长高新发〔2010〕33号", "长春高新技术产业开发区管理委员会", "2010-10-08", "2015-12-31",
        "对区内科技型中小企业的技术改造和研发贷款，按实际支付利息的一定比例给予贴息。",
        "第二条 贴息对象为注册在长春高新区、经认定的科技型中小企业。第四条 贴息比例不超过实际支付利息的"
        "百分之五十，单个企业年度贴息额不超过一百万元。第七条 贴息资金实行专款专用，管委会组织绩效评价。",
    ),
    (
        "zone", ["zone-harbin"],
        "哈尔滨高新区大学科技园建设实施意见",
        "哈高新发〔2013〕9号", "哈尔滨高新技术产业开发区管理委员会", "2013-05-22", None,
        "依托区内高校建设大学科技园，推动科研成果就地转化，支持师生创业。",
        "支持哈尔滨高新区与驻区高校共建大学科技园，园区建设用地纳入高新区规划；对高校科技人员"
        "带成果创办的企业，给予孵化场地和种子资金支持；建立校地联合的成果转化服务平台。",
    ),
    (
        "zone", ["zone-daqing"],
        "大庆高新区促进石化新材料产业集群发展的若干政策",
        "庆高新发〔2018〕15号", "大庆高新技术产业开发区管理委员会", "2018-09-05", "2023-12-31",
        "围绕“油头化尾”延伸产业链，支持新材料中试基地和公共检测平台建设。",
        "一、对新建的石化新材料中试基地，按设备投资的一定比例给予补助。二、支持建设公共检测平台，"
        "向区内企业开放共享。三、对引进的高层次研发团队给予项目资助和人才奖励。",
    ),
    (
        "zone", ["zone-jilin", "zone-changchun"],
        "长吉国家高新区协同创新合作框架",
        "吉高新联发〔2024〕1号", "吉林高新技术产业开发区管理委员会、长春高新技术产业开发区管理委员会",
        "2024-04-16", None,
        "长春、吉林两个高新区在孵化器共享、科技成果互认和产业链协作方面建立合作机制。",
        "双方共建孵化器联盟，在孵企业可跨区享受同等服务；互认对方认定的科技型企业；围绕汽车零部件和"
        "化工新材料产业链，建立配套对接机制；每年联合举办创新创业大赛。",
    ),
]  # fmt: skip

# (title, lead kinds, zone keys, status, started, due, completed, summary, outputs)
# outputs: (kind, title, delivered, summary, index of the document it became or None)
TOPICS: list[tuple[Any, ...]] = [
    (
        "新时期国家高新区“二次创业”政策需求研究", "research_institute", ["zone-shenyang", "zone-changchun", "zone-harbin"],
        "completed", "2003-12-01", "2005-06-30", "2005-05-20",
        "调查东北七个国家高新区的发展现状和政策需求，提出专项扶持资金、财政贴息和孵化器扶持的政策建议。",
        [
            ("report", "东北地区国家高新区发展现状与政策需求调研报告", "2004-04-15",
             "覆盖七个高新区、两百余家企业的问卷与访谈。", None),
            ("proposal", "关于设立东北国家高新区专项扶持资金和财政贴息的建议", "2004-06-30",
             "建议设立专项资金、采取无偿资助与贴息相结合的方式。", None),
            ("adopted", "专项扶持资金与财政贴息建议被采纳", "2004-09-20",
             "建议内容写入科技部、财政部的通知。", 2),
            ("report", "课题总报告：东北国家高新区二次创业的政策框架", "2005-05-20", "", None),
        ],
    ),
    (
        "东北高新区对传统产业辐射带动作用评估", "university", ["zone-daqing", "zone-anshan"],
        "completed", "2017-03-01", "2018-12-31", "2018-11-30",
        "以大庆、鞍山高新区为例，评估高新区对石化、钢铁等传统产业的技术辐射和产业链带动作用。",
        [
            ("report", "高新区辐射带动作用评估报告", "2018-06-30", "", None),
            ("adopted", "石化新材料产业链政策建议被采纳", "2018-09-05", "建议内容纳入大庆高新区产业政策。", 15),
        ],
    ),
    (
        "国家高新区扩区与城市新区联动发展政策研究", "university", ["zone-shenyang", "zone-dalian", "zone-changchun"],
        "underway", "2025-03-01", "2026-12-31", None,
        "研究东北国家高新区调整和扩大建区面积的条件与程序，以及高新区与周边城市新区的联动机制。",
        [("report", "东北国家高新区空间布局现状调研报告", "2025-11-15", "", None)],
    ),
    (
        "高新区孵化器绩效评价与财政支持方式研究", "research_institute", ["zone-harbin", "zone-jilin"],
        "underway", "2025-06-01", "2026-09-30", None,
        "研究孵化器绩效评价指标体系，比较无偿资助、绩效奖励和贴息等财政支持方式的效果。",
        [],
    ),
    (
        "民营科技企业入区发展的税收与金融政策研究", "university", [],
        "planned", "2026-11-01", "2027-12-31", None,
        "研究引导民营科技企业进入高新区的税收、信贷和创业投资政策，以及 863 计划、创新基金的倾斜方式。",
        [],
    ),
]  # fmt: skip


def _actor(ctx: ZonesContext, scope: str, province_code: str | None) -> Any:
    from nesta.core.permissions import Target, can

    user = ctx.provinces.get(province_code or "") if scope != "national" else None
    # a province registers its own and its zones' documents (the office, if its account may not)
    if user is not None and can(user, "policy.manage", Target(province_code=province_code)):
        return user
    return ctx.office


def load(ctx: ZonesContext, say: Any) -> dict[str, Any]:
    from django.utils import timezone

    from nesta.directory.models import Organization
    from nesta.zones.models import PolicyDocument
    from nesta.zones.services.policy import policy_create
    from nesta.zones.services.policy_topics import output_create, topic_create, topic_update

    if ctx.office is None:
        say("zones policy: no office user, nothing to do")
        return {}
    if PolicyDocument.objects.exists():
        say("zones policy: documents present")
        return {}
    today = timezone.localdate()
    by_key = {z.reference_key: z for z in ctx.zones}
    documents: list[Any] = []
    for scope, where, title, number, issuer, issued, until, summary, text in DOCUMENTS:
        if date.fromisoformat(issued) > today:
            documents.append(None)
            continue
        zones = [by_key[k] for k in where if k in by_key] if scope == "zone" else []
        if scope == "zone" and not zones:
            documents.append(None)
            continue
        province = where if scope == "province" else (zones[0].province.code if zones else None)
        data = {"title": title, "doc_number": number, "issuer": issuer, "issued_on": issued,
                "effective_until": until, "scope": scope, "summary": summary, "text": text,
                "province": where if scope == "province" else None, "zones": [z.pk for z in zones]}  # fmt: skip
        documents.append(policy_create(actor=_actor(ctx, scope, province), data=data))

    rng = random.Random(ctx.seed * 7 + 11)
    leads: dict[str, list[Any]] = {}
    for kind in ("university", "research_institute"):
        leads[kind] = list(
            Organization.objects.filter(reference_key__startswith="demo-org-", kind=kind).order_by("id")[:40]
        )
    made = outputs = 0
    for title, kind, zone_keys, status, started, due, completed, summary, deliverables in TOPICS:
        pool = leads.get(kind) or leads["university"] or leads["research_institute"] or ctx.zones
        if not pool:
            break
        data = {"title": title, "lead": rng.choice(pool).pk, "zones": [by_key[k].pk for k in zone_keys if k in by_key],
                "status": "planned", "started_on": started, "due_on": due, "summary": summary}  # fmt: skip
        topic = topic_create(actor=ctx.office, data=data)
        made += 1
        if status == "planned":
            continue
        topic_update(actor=ctx.office, topic_id=topic.pk, data={"status": "underway"})
        for out_kind, out_title, delivered, out_summary, doc_index in deliverables:
            document = documents[doc_index] if doc_index is not None else None
            if date.fromisoformat(delivered) > today or (doc_index is not None and document is None):
                continue
            output_create(
                actor=ctx.office,
                topic_id=topic.pk,
                data={
                    "kind": out_kind,
                    "title": out_title,
                    "delivered_on": delivered,
                    "summary": out_summary,
                    "document": document.pk if document else None,
                },  # fmt: skip
            )
            outputs += 1
        if status == "completed" and completed and date.fromisoformat(completed) <= today:
            topic_update(actor=ctx.office, topic_id=topic.pk, data={"status": "completed", "completed_on": completed})
    registered = sum(1 for d in documents if d is not None)
    say(f"zones policy: {registered} policy documents, {made} research topics with {outputs} outputs")
    return {"zone_policies": registered, "zone_policy_topics": made, "zone_policy_outputs": outputs}
