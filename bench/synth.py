#!/usr/bin/env python3
"""Synthetic corpus of Chinese BCI-industry articles for benchmarks and scale tests.

Every article is made here from the project's own templates: news of signings, policies with
numbered tasks and ``（…按职责分工负责）`` lines, clinical trials at hospitals, funds investing,
incubators with resident companies. Organisation names are invented from name parts (random
brand syllables, industry words, type suffixes such as 医疗/科技/有限公司/医院/基金/研究院/孵化器)
and place prefixes taken from the project's region table (domain/data/regions.tsv). Sentence
structures vary, some noise lines (bylines, share buttons, editor lines) are mixed in, and each
article is between 1 and 4 KB of UTF-8. The output depends only on the seed.

As a module::

    from synth import articles, write_corpus
    for article in articles(100, seed=7): ...
    stats = write_corpus(Path("corpus"), n=10_000)
    stats = write_corpus(Path("corpus"), total_bytes=20 * 1024 * 1024)

As a command::

    python bench/synth.py OUT_DIR                 # 10,000 articles, seed 20260101
    python bench/synth.py OUT_DIR -n 500 --seed 3
    python bench/synth.py OUT_DIR --bytes 20MB    # as many articles as make 20 MB
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

DEFAULT_N = 10_000
DEFAULT_SEED = 20260101
MIN_BYTES = 1024
MAX_BYTES = 4096
FILES_PER_FOLDER = 1000

# ------------------------------------------------------------------ name parts

BRAND_SYLLABLES = list(
    "启衡澄曜禾衍灵犀睿博泓璟澜朗岚昕晟翊瑾琨珩翎钧锐弘恒熙皓骁琪璞瀚沐屹芮岱洛逸舟航拓凌越誉卓"
    "策钛铂玄宸墨岩溪泽澈霖悦祺湛珂赫彦琛琰璨煦昀晔昶峻嵘崧岑棠桐樾楠柘杉芃苒蔚蓁蘅菁茗黎曦"
)
COMPANY_CORES = [
    "神经",
    "脑科",
    "智脑",
    "脑域",
    "神索",
    "知觉",
    "意念",
    "脑电",
    "神工",
    "脑联",
    "灵境",
    "神桥",
]
COMPANY_SUFFIXES = [
    "医疗科技有限公司",
    "科技有限公司",
    "医疗器械有限公司",
    "智能科技有限公司",
    "生物科技有限公司",
    "医疗",
    "科技",
    "智能",
    "微电子有限公司",
    "电子科技有限公司",
    "医疗科技股份有限公司",
]
FUND_SUFFIXES = ["创投基金", "产业投资基金", "成长基金", "天使基金", "脑科学产业基金", "创新投资基金"]
INVESTOR_COMPANY_SUFFIXES = ["资本", "创投", "投资有限公司"]
INSTITUTE_SUFFIXES = [
    "脑科学研究院",
    "神经工程研究所",
    "智能医学研究院",
    "脑机接口研究院",
    "类脑智能研究中心",
]
INCUBATOR_SUFFIXES = [
    "脑机接口孵化器",
    "神经科技孵化器",
    "未来产业加速器",
    "脑科学创新中心",
    "脑机接口产业园",
]
HOSPITAL_PATTERNS = [
    "{city}第{ordinal}人民医院",
    "{city}{brand}医院",
    "{brand}大学附属第{ordinal}医院",
    "{city}{brand}康复医院",
]
ORDINALS = "一二三四五六七"

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲建国立新思远晨宇浩然子轩欣怡梓涵")

UPSTREAM_WORK = [
    "柔性微电极研发",
    "高通量神经电极",
    "脑机接口专用芯片",
    "低功耗信号采集模组",
    "生物相容性封装材料",
    "干电极脑电传感器",
]
MIDSTREAM_WORK = [
    "脑电解码算法",
    "脑机接口系统集成",
    "神经信号处理软件",
    "脑机接口CRO研发服务",
    "闭环神经调控系统",
    "脑机接口整机研发",
]
DOWNSTREAM_WORK = [
    "康复机器人产品",
    "卒中康复训练",
    "睡眠监测设备",
    "脑控外骨骼",
    "渐冻症沟通辅助",
    "注意力训练产品",
]
PRODUCTS = [
    "半侵入式脑机接口系统",
    "植入式神经电极",
    "非侵入式脑电头环",
    "脑控康复手套",
    "闭环脊髓刺激系统",
    "脑机接口言语解码系统",
]
ROUNDS = ["天使", "Pre-A", "A", "A+", "B", "B+", "C", "战略"]
AGENCY_WORDS = [
    "科技局",
    "工信局",
    "发展改革委",
    "财政局",
    "卫生健康委",
    "市场监管局",
    "商务局",
    "人社局",
    "医保局",
    "数据局",
]

TASKS = [
    ("支持关键技术攻关。", "聚焦{up}、{mid}等方向，每年支持不少于{k}个重大项目，单个项目最高补助{m}万元。"),
    ("建设公共服务平台。", "依托{inst}，建设脑机接口检测认证服务平台，为企业提供检测和注册咨询服务。"),
    ("强化资本支持。", "发挥{fund}作用，设立规模不低于{m2}亿元的脑机接口产业基金，重点投向早期项目。"),
    ("拓展应用场景。", "支持{hosp}开展脑机接口临床研究，到{year}年建设不少于{k}个示范应用场景。"),
    (
        "培育市场主体。",
        "到{year}年，培育{k}-{k2}家具有全国影响力的脑机接口企业，引进{k3}家以上产业链重点企业。",
    ),
    ("加强人才引育。", "对引进的脑机接口领域顶尖人才团队，给予最高{m}万元的综合资助。"),
    ("推动产品注册。", "力争到{year}年，不少于{k}款脑机接口产品通过医疗器械注册。"),
    ("优化产业空间。", "在{district}布局脑机接口产业集聚区，新建标准厂房{k3}万平方米。"),
]

FILLER = [
    "业内人士认为，脑机接口正从实验室走向临床，{year}年前后有望迎来产品集中上市。",
    "据测算，我国脑机接口相关市场规模已超过{k}亿元，年均增速保持在{p}%以上。",
    "与会专家围绕电极材料、信号解码和临床转化等议题进行了交流。",
    "近年来，各地纷纷出台支持政策，抢占未来产业发展先机。",
    "脑机接口涉及神经科学、材料、芯片、算法等多个学科，产业链条长、带动作用强。",
    "受访者表示，伦理审查和数据安全仍是行业需要共同面对的问题。",
    "本次活动吸引了来自高校、医院和企业的{k}余名代表参加。",
    "下一步，相关部门将加强跟踪服务，推动项目早落地、早投产、早见效。",
    "目前，非侵入式产品主要面向康复、睡眠和专注力训练等消费场景。",
    "侵入式技术则在运动功能重建和言语恢复方面展现出较大潜力。",
    "据介绍，相关团队已累计申请发明专利{k}项，其中授权{k2}项。",
    "活动现场还举办了脑机接口产品展示，观众可现场体验脑控游戏。",
    "专家建议，应加快建立脑机接口产品标准体系和临床评价方法。",
    "{month}月以来，已有{k}个脑机接口项目完成备案。",
    "该项目总投资约{m2}亿元，预计{year}年建成投产。",
    "从全球看，脑机接口领域的融资事件数量在过去一年增长了约{p}%。",
    "部分企业已启动创新医疗器械特别审查程序，希望缩短产品上市周期。",
    "多位代表提到，高质量的临床数据是产品获批的关键。",
    "在电极材料方面，柔性化、微型化和长期稳定性是主要攻关方向。",
    "解码算法的进步使得患者每分钟可输出的字符数明显提高。",
    "医保支付和收费编码问题也受到与会者关注。",
    "当天还发布了{k}项脑机接口典型应用案例。",
    "有分析指出，产业链上游的核心器件仍主要依赖进口。",
    "围绕康复场景，多家机构正在探索院内院外一体化服务模式。",
    "据统计，今年前{month}个月共举办各类脑机接口学术活动{k}场。",
    "相关负责人透露，第二批项目正在洽谈中，预计年内签约。",
    "针对中小企业，当地将提供场地租金减免和首台套保险补偿。",
    "有研究人员提醒，消费级产品的宣传应避免夸大功效。",
    "在人才方面，复合型的神经工程人才仍然紧缺。",
    "本次发布的数据显示，区域内脑机接口企业数量较上年增加{k}家。",
]
NOISE = [
    "责任编辑：{person}",
    "（记者 {person} 通讯员 {person2}）",
    "分享到：微信 微博 QQ空间",
    "【字体：大 中 小】【打印本页】【关闭窗口】",
    "扫一扫在手机打开当前页",
    "阅读量：{k}",
    "来源：{city}日报",
    "点击查看更多精彩内容>>",
    "图为活动现场。{person}摄",
    "（本文图片由受访单位提供）",
]


@dataclass(frozen=True)
class Place:
    name: str  # 苏州市
    short: str  # 苏州
    full: str  # 江苏省苏州市
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    kind: str
    filename: str  # relative path inside the corpus folder, e.g. "part-0003/003141_trial.txt"
    text: str

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


@dataclass
class CorpusStats:
    files: int = 0
    bytes: int = 0
    chars: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------ regions


def _region_rows() -> list[list[str]]:
    try:
        text = (resources.files("bcikg.domain") / "data" / "regions.tsv").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = (Path(__file__).resolve().parent.parent / "domain" / "data" / "regions.tsv").read_text(
            encoding="utf-8"
        )
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


def load_places() -> list[Place]:
    """Cities of the region table (and the four municipalities), with their districts."""
    rows = _region_rows()
    levels = {row[0]: row[1] for row in rows}
    aliases = {row[0]: [a for a in (row[3] if len(row) > 3 else "").split(",") if a] for row in rows}
    districts: dict[str, list[str]] = {}
    for path, level in levels.items():
        if level == "district":
            districts.setdefault(path.rsplit("/", 1)[0], []).append(path.rsplit("/", 1)[1])
    places = []
    for path, level in levels.items():
        parts = path.split("/")
        if parts[0] != "中国":
            continue
        municipality = level == "province" and parts[-1].endswith("市")
        if not (level == "city" or municipality):
            continue
        name = parts[-1]
        short = next((a for a in aliases[path] if 2 <= len(a) < len(name)), None)
        if short is None:
            short = re.sub(r"(市|地区|自治州|盟)$", "", name)
        if len(short) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", short):
            continue
        full = "".join(parts[1:])
        places.append(Place(name, short, full, tuple(sorted(districts.get(path, [])))))
    return sorted(places, key=lambda p: p.full)


# ------------------------------------------------------------------ generator


class _Maker:
    def __init__(self, seed: int, pool_size: int) -> None:
        self.rng = random.Random(seed)
        self.places = load_places()
        # Big places appear more often, as in real news.
        self.weights = [
            5.0 if p.name in ("北京市", "上海市", "深圳市", "杭州市", "苏州市", "广州市") else 1.0
            for p in self.places
        ]
        self.used: set[str] = set()
        self.companies = [self._company() for _ in range(max(40, pool_size))]
        self.hospitals = [self._hospital() for _ in range(max(10, pool_size // 8))]
        self.funds = [self._fund() for _ in range(max(8, pool_size // 15))]
        self.institutes = [self._institute() for _ in range(max(6, pool_size // 20))]
        self.incubators = [self._incubator() for _ in range(max(6, pool_size // 20))]

    # -- pieces

    def place(self) -> Place:
        return self.rng.choices(self.places, weights=self.weights)[0]

    def brand(self) -> str:
        return "".join(self.rng.sample(BRAND_SYLLABLES, 2))

    def _unique(self, make: object) -> str:
        for _ in range(1000):
            name = make()  # type: ignore[operator]
            if name not in self.used:
                self.used.add(name)
                return str(name)
        raise RuntimeError("name parts exhausted")

    def _company(self) -> tuple[str, Place]:
        place = self.place()

        def make() -> str:
            r = self.rng.random()
            core = self.rng.choice(COMPANY_CORES) if self.rng.random() < 0.3 else ""
            prefix = place.short if r < 0.45 else ""
            return prefix + self.brand() + core + self.rng.choice(COMPANY_SUFFIXES)

        return self._unique(make), place

    def _hospital(self) -> tuple[str, Place]:
        place = self.place()

        def make() -> str:
            pattern = self.rng.choice(HOSPITAL_PATTERNS)
            return pattern.format(city=place.short, ordinal=self.rng.choice(ORDINALS), brand=self.brand())

        return self._unique(make), place

    def _fund(self) -> tuple[str, Place]:
        place = self.place()

        def make() -> str:
            if self.rng.random() < 0.3:
                return self.brand() + self.rng.choice(INVESTOR_COMPANY_SUFFIXES)
            prefix = place.short if self.rng.random() < 0.5 else ""
            return prefix + self.brand() + self.rng.choice(FUND_SUFFIXES)

        return self._unique(make), place

    def _institute(self) -> tuple[str, Place]:
        place = self.place()
        return self._unique(lambda: place.short + self.brand() + self.rng.choice(INSTITUTE_SUFFIXES)), place

    def _incubator(self) -> tuple[str, Place]:
        place = self.place()
        return self._unique(lambda: place.short + self.brand() + self.rng.choice(INCUBATOR_SUFFIXES)), place

    def pick(self, pool: Sequence[tuple[str, Place]], k: int = 1) -> list[tuple[str, Place]]:
        # Skewed reuse: a few organisations are in the news often, most rarely.
        chosen: list[tuple[str, Place]] = []
        while len(chosen) < min(k, len(pool)):
            index = min(len(pool) - 1, int(len(pool) * self.rng.random() ** 1.6))
            if pool[index] not in chosen:
                chosen.append(pool[index])
        return chosen

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def date(self) -> tuple[str, str]:
        year, month, day = self.rng.randint(2023, 2026), self.rng.randint(1, 12), self.rng.randint(1, 28)
        return f"{year}年{month}月{day}日", f"{year:04d}-{month:02d}-{day:02d}"

    def district(self, place: Place) -> str:
        return place.name + (self.rng.choice(place.districts) if place.districts else "")

    def values(self, place: Place) -> dict[str, object]:
        rng = self.rng
        k = rng.randint(3, 12)
        return {
            "k": k,
            "k2": k + rng.randint(1, 5),
            "k3": rng.randint(2, 30),
            "p": rng.randint(10, 45),
            "m": rng.choice((100, 200, 300, 500, 800, 1000)),
            "m2": rng.randint(2, 50),
            "year": rng.randint(2026, 2030),
            "month": rng.randint(1, 12),
            "person": self.person(),
            "person2": self.person(),
            "city": place.name,
            "up": rng.choice(UPSTREAM_WORK),
            "mid": rng.choice(MIDSTREAM_WORK),
            "district": self.district(place),
            "inst": self.pick(self.institutes)[0][0],
            "fund": self.pick(self.funds)[0][0],
            "hosp": self.pick(self.hospitals)[0][0],
        }

    def filler(self, place: Place) -> list[str]:
        """Paragraphs of two to four sentences without organisations; no sentence twice."""
        sentences = self.rng.sample(FILLER, len(FILLER))
        lines = []
        while sentences:
            take, sentences = sentences[: self.rng.randint(2, 4)], sentences[4:]
            lines.append("".join(s.format(**self.values(place)) for s in take))
        return lines

    def event(self) -> str:
        """One more fact with organisations in it, in one of several sentence shapes."""
        rng = self.rng
        ((company, home),) = self.pick(self.companies)
        c = self.comma()
        choice = rng.randrange(8)
        if choice == 0:
            institute = self.pick(self.institutes)[0][0]
            return f"{company}与{institute}签署合作协议{c}共同开展{rng.choice(MIDSTREAM_WORK)}。"
        if choice == 1:
            return f"{company}已入驻{self.pick(self.incubators)[0][0]}{c}团队规模约{rng.randint(20, 300)}人。"
        if choice == 2:
            return f"去年{c}{self.pick(self.funds)[0][0]}投资了{company}。"
        if choice == 3:
            hospital = self.pick(self.hospitals)[0][0]
            return f"{company}正与{hospital}合作开展{rng.choice(DOWNSTREAM_WORK)}相关的临床研究。"
        if choice == 4:
            return f"{company}总部位于{self.district(home)}{c}主要产品为{rng.choice(PRODUCTS)}。"
        if choice == 5:
            ((other, _),) = self.pick(self.companies)
            return f"{company}和{other}还将联合建设{home.short}脑机接口中试平台。"
        if choice == 6:
            return f"另据了解{c}{company}今年已在{self.place().name}设立子公司。"
        return f"{self.person()}曾任{company}技术负责人{c}长期从事{rng.choice(UPSTREAM_WORK)}研究。"

    def noise(self, place: Place) -> str:
        return self.rng.choice(NOISE).format(**self.values(place))

    def comma(self) -> str:
        return self.rng.choice(("，", "，", ","))

    # -- article kinds

    def signing(self) -> tuple[str, list[str]]:
        rng = self.rng
        place = self.place()
        where = self.district(place) if rng.random() < 0.6 else place.name
        day, _ = self.date()
        companies = self.pick(self.companies, rng.randint(4, 8))
        names = [c[0] for c in companies]
        title = rng.choice(
            (
                f"{place.short}脑机接口产业项目集中签约",
                f"{len(names)}个脑机接口项目签约落户{place.short}",
                f"{where}举行脑机接口产业招商推介会",
            )
        )
        c = self.comma()
        body = [
            rng.choice(
                (
                    f"{day}{c}{where}举行脑机接口产业项目集中签约活动{c}{len(names)}家企业签约落户。",
                    f"{day}{c}{len(names)}个脑机接口产业项目在{where}集中签约"
                    f"{c}总投资约{rng.randint(5, 80)}亿元。",
                    f"记者从{place.name}获悉{c}{day}举行的招商推介会上{c}{'、'.join(names[:3])}等企业签约落户{where}。",
                )
            ),
            f"上游{c}{names[0]}专注{rng.choice(UPSTREAM_WORK)}；中游{c}{names[1]}深耕{rng.choice(MIDSTREAM_WORK)}；"
            f"下游{c}{names[2]}专注{rng.choice(DOWNSTREAM_WORK)}。",
            rng.choice(
                (
                    f"{names[3]}与{self.pick(self.hospitals)[0][0]}签署战略合作协议{c}共建脑机接口临床研究中心。",
                    f"{names[3]}董事长{self.person()}表示{c}公司总部位于{companies[3][1].name}{c}此次将在{place.short}设立研发中心。",
                    f"{names[3]}、{self.pick(self.institutes)[0][0]}将联合开展神经电极可靠性研究。",
                )
            ),
        ]
        for name, home in companies[4:]:
            body.append(
                rng.choice(
                    (
                        f"{name}也与园区签署了合作协议。",
                        f"{name}计划在{where}建设生产基地{c}预计{rng.randint(2026, 2029)}年投产。",
                        f"{name}总部位于{home.full}{c}此次签约落户{place.short}。",
                    )
                )
            )
        body.append(f"{place.name}{rng.choice(AGENCY_WORDS)}有关负责人出席活动。")
        return title, body

    def trial(self) -> tuple[str, list[str]]:
        rng = self.rng
        ((company, home),) = self.pick(self.companies)
        ((hospital, hplace),) = self.pick(self.hospitals)
        product = rng.choice(PRODUCTS)
        day, _ = self.date()
        c = self.comma()
        title = rng.choice(
            (
                f"{company}{product}完成首例临床植入",
                f"{hplace.short}医院开展脑机接口临床试验",
                f"脑机接口临床试验在{hplace.short}启动",
            )
        )
        body = [
            rng.choice(
                (
                    f"{day}{c}{company}宣布{c}其自主研发的{product}已在{hospital}完成首例植入手术。",
                    f"近日{c}{hospital}与{company}合作开展脑机接口临床试验{c}首例患者已顺利出院。",
                    f"记者{day}获悉{c}由{company}研发的{product}在{hospital}进入临床验证阶段。",
                )
            ),
            f"该试验共入组{rng.randint(3, 40)}名受试者{c}主要评价产品的安全性和有效性。",
            rng.choice(
                (
                    f"{company}成立于{rng.randint(2015, 2024)}年{c}总部位于{self.district(home)}"
                    f"{c}专注{rng.choice(MIDSTREAM_WORK)}。",
                    f"公司创始人{self.person()}介绍{c}下一步将在{self.place().short}设立研发中心。",
                )
            ),
        ]
        if rng.random() < 0.5:
            ((other, _),) = self.pick(self.hospitals)
            body.append(f"此外{c}{company}还与{other}签署合作协议{c}计划开展多中心临床研究。")
        if rng.random() < 0.4:
            ((inst, _),) = self.pick(self.institutes)
            body.append(f"{inst}为项目提供了神经信号解码算法支持。")
        return title, body

    def funding(self) -> tuple[str, list[str]]:
        rng = self.rng
        ((company, home),) = self.pick(self.companies)
        funds = [f[0] for f in self.pick(self.funds, rng.randint(1, 3))]
        amount = rng.choice(
            ("数千万元", f"{rng.randint(1, 9)}亿元", f"{rng.randint(1, 9)}.{rng.randint(1, 9)}亿元", "近亿元")
        )
        rnd = rng.choice(ROUNDS)
        c = self.comma()
        title = rng.choice((f"{company}完成{amount}{rnd}轮融资", f"脑机接口企业{company}获{amount}投资"))
        lead = f"本轮由{funds[0]}领投" + (f"{c}{'、'.join(funds[1:])}跟投" if len(funds) > 1 else "")
        body = [
            rng.choice(
                (
                    f"近日{c}{company}宣布完成{amount}{rnd}轮融资{c}{lead}。",
                    f"{company}日前完成{amount}{rnd}轮融资。{lead}{c}老股东继续追加投资。",
                )
            ),
            f"本轮融资将主要用于{rng.choice(UPSTREAM_WORK)}和{rng.choice(DOWNSTREAM_WORK)}的研发及注册申报。",
            f"{company}总部位于{home.full}{c}是{home.short}重点培育的脑机接口企业。",
        ]
        if rng.random() < 0.5:
            ((target, _),) = self.pick(self.companies)
            if target != company:
                body.append(f"此前{c}{funds[0]}还投资了{target}。")
        return title, body

    def incubator(self) -> tuple[str, list[str]]:
        rng = self.rng
        ((incubator, place),) = self.pick(self.incubators)
        residents = [c[0] for c in self.pick(self.companies, rng.randint(3, 6))]
        ((operator, _),) = self.pick(self.companies)
        day, _ = self.date()
        c = self.comma()
        title = rng.choice((f"{incubator}正式开园", f"{place.short}又一脑机接口载体投入运营"))
        body = [
            f"{day}{c}位于{self.district(place)}的{incubator}正式开园{c}首批入驻企业包括{'、'.join(residents)}等{len(residents)}家企业。",
            rng.choice(
                (
                    f"{incubator}由{operator}运营{c}配套建设脑机接口中试平台和数据中心。",
                    f"{operator}负责运营{incubator}{c}为入驻企业提供检测、注册和融资服务。",
                )
            ),
        ]
        if rng.random() < 0.6:
            ((inst, _),) = self.pick(self.institutes)
            body.append(f"{inst}将与{incubator}共建联合实验室。")
        return title, body

    def policy(self) -> tuple[str, list[str], str | None]:
        rng = self.rng
        place = self.place()
        _, iso = self.date()
        title = rng.choice(
            (
                f"{place.name}促进脑机接口产业高质量发展的若干措施",
                f"{place.name}脑机接口产业创新发展行动方案"
                f"（{rng.randint(2025, 2027)}—{rng.randint(2028, 2030)}年）",
                f"关于加快{place.short}脑机接口产业发展的实施意见",
            )
        )
        lines = [
            rng.choice(
                (
                    "为加快培育未来产业，推动脑机接口产业集聚发展，制定如下措施。",
                    f"为贯彻落实国家关于未来产业的部署，结合{place.short}实际，制定本方案。",
                )
            )
        ]
        tasks = rng.sample(TASKS, rng.randint(3, 6))
        markdown = rng.random() < 0.6
        for i, (head, text) in enumerate(tasks, 1):
            agencies = "、".join("市" + a for a in rng.sample(AGENCY_WORDS, rng.randint(1, 3)))
            sentence = text.format(**self.values(place))
            number = f"{i}. **{head}**" if markdown else f"（{'一二三四五六七八'[i - 1]}）{head}"
            lines.append(f"{number}{sentence}（{agencies}按职责分工负责）")
        return title, lines, (iso if markdown else None)

    # -- assembly

    def article(self, index: int) -> Article:
        rng = self.rng
        kind = rng.choices(("signing", "trial", "funding", "incubator", "policy"), weights=(3, 3, 3, 2, 2))[0]
        front: str | None = None
        if kind == "policy":
            title, body, front = self.policy()
        else:
            title, body = getattr(self, kind)()
        place = self.place()
        target = rng.randint(MIN_BYTES + 200, MAX_BYTES - 300)
        paragraphs = list(body)
        extra = self.filler(place)
        while _size(title, paragraphs) < target:
            if kind != "policy" and (not extra or rng.random() < 0.45):
                paragraphs.insert(rng.randint(1, len(paragraphs)), self.event())
            elif extra:
                paragraphs.insert(rng.randint(1, len(paragraphs)), extra.pop())
            else:
                break
        if rng.random() < 0.7:
            paragraphs.insert(rng.randint(0, len(paragraphs)), self.noise(place))
        if rng.random() < 0.5:
            paragraphs.append(self.noise(place))
        while _size(title, paragraphs) > MAX_BYTES - 200:
            paragraphs.pop(-2 if len(paragraphs) > 2 else -1)
        suffix = ".txt"
        if front is not None:
            text = (
                f"---\ntitle: {title}\ndate: {front}\nsource: 示例政务网\n---\n\n"
                + "\n\n".join(paragraphs)
                + "\n"
            )
            suffix = ".md"
        else:
            text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
        folder = f"part-{index // FILES_PER_FOLDER:04d}"
        return Article(kind, f"{folder}/{index:06d}_{kind}{suffix}", text)


def _size(title: str, paragraphs: list[str]) -> int:
    return len((title + "\n\n" + "\n\n".join(paragraphs) + "\n").encode("utf-8")) + 60


def articles(
    n: int | None = DEFAULT_N, *, seed: int = DEFAULT_SEED, total_bytes: int | None = None
) -> Iterator[Article]:
    """Distinct articles: ``n`` of them, or (with ``total_bytes``) as many as reach that size."""
    if n is None and total_bytes is None:
        raise ValueError("give n or total_bytes")
    expected = max(1, total_bytes // 2400) if total_bytes is not None else (n or 1)
    maker = _Maker(seed, pool_size=max(40, expected // 3))
    seen: set[bytes] = set()
    produced = size = 0
    while (total_bytes is None and produced < (n or 0)) or (total_bytes is not None and size < total_bytes):
        article = maker.article(produced)
        digest = hashlib.blake2b(article.text.encode("utf-8"), digest_size=16).digest()
        if digest in seen:
            continue
        seen.add(digest)
        produced += 1
        size += article.size
        yield article


def write_corpus(
    out_dir: Path, *, n: int | None = DEFAULT_N, seed: int = DEFAULT_SEED, total_bytes: int | None = None
) -> CorpusStats:
    """Write the articles under ``out_dir`` (in folders of 1,000 files) and return their totals."""
    stats = CorpusStats()
    out_dir = Path(out_dir)
    for article in articles(n, seed=seed, total_bytes=total_bytes):
        path = out_dir / article.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        data = article.text.encode("utf-8")
        path.write_bytes(data)
        stats.files += 1
        stats.bytes += len(data)
        stats.chars += len(article.text)
        stats.kinds[article.kind] = stats.kinds.get(article.kind, 0) + 1
    return stats


# ------------------------------------------------------------------ measuring (bench/scale, bench/ingest)

_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


@dataclass
class Measured:
    """A command's wall time and memory. ``max_rss`` is ru_maxrss of RUSAGE_CHILDREN (the largest
    single process of the command's tree); ``tree_rss``/``tree_pss`` are the peaks of the sums
    over all its processes at once, sampled from /proc (RSS counts pages shared by forked workers
    once per process, so it overstates; PSS shares them out)."""

    returncode: int
    seconds: float
    stdout: str
    stderr: str
    max_rss: int
    tree_rss: int
    tree_pss: int


def _descendants(pid: int) -> list[int]:
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{current}/task/{tid}/children") as f:
                    children = [int(c) for c in f.read().split()]
            except OSError:
                continue
            out.extend(children)
            stack.extend(children)
    return out


def _rss_pss(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def run_measured(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    interval: float = 0.1,
) -> Measured:
    """Run ``command`` (through a tiny wrapper that reports ru_maxrss of its children) and
    sample the memory of its process tree while it runs."""
    import subprocess
    import tempfile
    import threading
    import time

    with tempfile.NamedTemporaryFile("r", suffix=".maxrss") as report:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRAPPER, report.name, *command],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                totals = [_rss_pss(pid) for pid in _descendants(proc.pid)]
                peak[0] = max(peak[0], sum(t[0] for t in totals))
                peak[1] = max(peak[1], sum(t[1] for t in totals))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = proc.communicate()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        text = report.read().strip()
    max_rss = int(text) * 1024 if text.isdigit() else 0  # Linux reports KiB
    return Measured(proc.returncode, seconds, stdout, stderr, max_rss, max(peak[0], max_rss), peak[1])


def mib(n: float) -> str:
    return f"{n / 1024**2:,.0f} MiB"


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmg]?)i?b?\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"cannot read size {text!r}; write it like 20MB")
    return int(float(m.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus of BCI-industry articles.")
    parser.add_argument("out", type=Path, help="folder to write the articles into")
    parser.add_argument("-n", type=int, default=DEFAULT_N, help=f"number of articles (default {DEFAULT_N})")
    parser.add_argument(
        "--bytes", type=parse_size, default=None, help="generate until this total size, e.g. 20MB"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    stats = write_corpus(args.out, n=None if args.bytes else args.n, seed=args.seed, total_bytes=args.bytes)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.kinds.items()))
    print(
        f"wrote {stats.files} articles, {stats.bytes / 1024**2:.1f} MB, {stats.chars} chars ({kinds}) "
        f"to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
