//! Demo and benchmark articles: deterministic for a seed, spread over the catalogue, 200 to
//! 3,000 characters of the service's own wording (续费, 到期, 履约, 信息审核, EC数据宝2.0 …),
//! most published, some drafts and archived ones, written in batches of one transaction each.
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use super::ArticleStatus;
use super::entity::{article, category};
use super::text::{plain_text, text_html};
use super::write::{NewArticle, insert, write_revision};
use crate::auth::entity::account;
use crate::error::{AppError, AppResult};

const SUBJECTS: &[&str] = &[
    "会员续费",
    "服务到期",
    "履约服务",
    "首页推荐",
    "精准匹配",
    "信息推送",
    "广交会邮件",
    "EC数据宝2.0",
    "国信宝认证",
    "诚商赢赢",
    "企业信息审核",
    "产品信息审核",
    "供应求购信息",
    "重复信息",
    "禁止发布产品",
    "限制发布信息",
    "登录密码",
    "子账号",
    "发票开具",
    "退款申请",
    "会员升级",
    "金牌会员",
    "商洽通",
    "商诚通",
    "商易通",
    "普通会员",
    "免费会员",
    "代表处联系方式",
    "询盘回复",
    "展会服务",
    "网站排名",
    "关键词推广",
];

const ACTIONS: &[&str] =
    &["办理流程", "常见问题", "服务标准", "注意事项", "操作指南", "规则说明", "处理时限", "解答口径"];

const SENTENCES: &[&str] = &[
    "会员可在服务到期前30天办理{s}，客服应提前电话提醒。",
    "{s}的申请由客服部受理，一般在3个工作日内处理完毕。",
    "如会员对{s}有疑问，请先核实会员级别和服务期限，再按本规则解答。",
    "{s}涉及的费用以合同约定为准，客服不得口头承诺优惠。",
    "登录诚商网后台，进入“会员中心”即可查看{s}的进度。",
    "对于商系列会员，{s}按年度履约计划执行，每年至少推送50条信息。",
    "金牌会员和普通会员的{s}标准不同，详见服务标准附件。",
    "若{s}未在规定时限内完成，应登记为投诉并转交相关部门处理。",
    "客服在解答{s}时应使用统一口径，避免与代表处的说法不一致。",
    "EC数据宝2.0提供行业数据查询，会员可按地区和产品筛选采购商。",
    "信息审核不通过的常见原因包括：联系方式不完整、图片含水印、标题堆砌关键词。",
    "重复发布的供应信息将被合并处理，严重者暂停发布权限7天。",
    "会员提出{s}后，客服应在服务记录中写明诉求内容和处理结果。",
    "禁止发布的产品包括管制刀具、仿冒商品等，详见《禁止发布的产品、供求信息规则》。",
    "区域平台的地址及联系方式以组织机构信息为准，变更后请及时更新。",
    "{s}完成后，系统会发送确认邮件，会员也可在站内信中查看。",
    "Q：{s}需要提供哪些材料？A：营业执照副本、法人身份证复印件及申请表。",
    "如遇系统故障导致{s}失败，请记录时间并反馈技术部。",
];

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// An article's title and plain text (200 to 3,000 characters).
fn article_text(rng: &mut StdRng, n: u64) -> (String, String, String) {
    let subject = pick(rng, SUBJECTS);
    let title = format!("{subject}{}", pick(rng, ACTIONS));
    let target = rng.random_range(200..=3000usize);
    let mut lines: Vec<String> = vec![];
    let mut len = 0;
    while len < target {
        let mut para = String::new();
        for _ in 0..rng.random_range(2..6) {
            let s = if rng.random_range(0..3) == 0 { pick(rng, SUBJECTS) } else { subject };
            para.push_str(&pick(rng, SENTENCES).replace("{s}", s));
        }
        len += para.chars().count();
        lines.push(para);
    }
    let mut text = lines.join("\n");
    if text.chars().count() > 3000 {
        text = text.chars().take(3000).collect();
    }
    let keywords = format!("{subject},{},编号{n}", pick(rng, SUBJECTS));
    (format!("{title}（{n}）"), text, keywords)
}

/// Writes `count` articles for seed `seed`, by `author` (the first account when `None`).
/// Answers how many it wrote.
pub async fn generate(db: &DatabaseConnection, count: u64, seed: u64) -> AppResult<u64> {
    let author = account::Entity::find()
        .filter(sea_orm::ColumnTrait::eq(&account::Column::AdminId, "manager"))
        .one(db)
        .await?
        .or(account::Entity::find().one(db).await?)
        .ok_or_else(|| AppError::internal("no account to write the articles"))?;
    let cats = category::Entity::find().all(db).await?;
    let leaves: Vec<i64> =
        cats.iter().filter(|c| !cats.iter().any(|d| d.parent_id == Some(c.id))).map(|c| c.id).collect();
    if leaves.is_empty() {
        return Err(AppError::internal("the catalogue is empty"));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = Utc::now();
    let mut written = 0;
    while written < count {
        let txn = crate::db::write_txn(db).await?;
        let seq = super::write::bump(&txn).await?;
        for _ in 0..(count - written).min(500) {
            let n = written + 1;
            let (title, text, keywords) = article_text(&mut rng, n);
            let html = text_html(&text);
            let status = match rng.random_range(0..20) {
                0 => ArticleStatus::Draft,
                1 => ArticleStatus::Archived,
                _ => ArticleStatus::Published,
            };
            let at = now - Duration::minutes(rng.random_range(0..60 * 24 * 365));
            let fields = NewArticle {
                category_id: leaves[rng.random_range(0..leaves.len())],
                title,
                content_text: plain_text(&html),
                content_html: html,
                keywords,
                levels: String::new(),
                status,
            };
            let a = insert(&txn, author.id, fields, seq, at).await?;
            write_revision(&txn, author.id, &a, "初始导入").await?;
            written += 1;
        }
        txn.commit().await?;
    }
    Ok(written)
}

/// The demo knowledge base, once, when it has no article yet.
pub async fn demo(db: &DatabaseConnection) -> AppResult<()> {
    if article::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    generate(db, 120, 2026).await.map(|_| ())
}

/// `n` search queries for the benchmark, deterministic for `seed`: fixed ones covering each
/// kind (one character, words, Latin, digits, full-width forms, several terms, phrases,
/// symbols), then substrings of 1–6 characters of the articles' wording and pairs of them.
pub fn bench_queries(n: usize, seed: u64) -> Vec<String> {
    let fixed = [
        "续费",
        "费",
        "到期前",
        "ec数据宝",
        "ＥＣ数据宝",
        "2.0",
        "30",
        "50条",
        "续费 流程",
        "\"办理续费\"",
        "会员 发票",
        "%",
        "会",
        "审核",
        "国信宝",
        "商洽通 推送",
        "7天",
        "q",
        "EC",
        "“禁止发布”",
        "客服 口径 投诉",
        "ｑ：",
        "3个工作日",
        "登录密码",
        "重复信息 合并",
        "代表处",
        "无此内容",
    ];
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    let piece = |rng: &mut StdRng| -> String {
        let s = pick(rng, SENTENCES).replace("{s}", pick(rng, SUBJECTS));
        let chars: Vec<char> = s.chars().filter(|c| !"，。：“”《》、".contains(*c)).collect();
        let len = rng.random_range(1..=6usize).min(chars.len());
        let at = rng.random_range(0..=chars.len() - len);
        chars[at..at + len].iter().collect()
    };
    while out.len() < n {
        let q = if rng.random_range(0..5) == 0 {
            format!("{} {}", piece(&mut rng), piece(&mut rng))
        } else {
            piece(&mut rng)
        };
        out.push(q);
    }
    out
}

/// `n` request texts as an agent types them (诉求内容), for the suggestion benchmark.
pub fn bench_requests(n: usize, seed: u64) -> Vec<String> {
    let openings = ["您好，", "客户来电：", "会员反映：", "来电咨询，"];
    let asks = ["想了解一下{s}的{a}", "{s}一直没有处理，要求尽快答复", "询问{s}需要什么材料", "对{s}的{a}有疑问"];
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let ask =
                pick(&mut rng, &asks).replace("{s}", pick(&mut rng, SUBJECTS)).replace("{a}", pick(&mut rng, ACTIONS));
            format!("{}{ask}，公司服务快到期了，请客服回电。", pick(&mut rng, &openings))
        })
        .collect()
}
