"""Matching cases of manufacturing and materials: casting, forging, welding, heat treatment,
machining, hydraulics, stamping, plastics, coatings, bearings and sensors.

Each block is an achievement (`A <id> <field> <maturity> <ip type>`, then title, summary and
keywords) or a demand (`D <id> <field>`, then title, problem, target indicators and the judged
achievements), blocks separated by an empty line; nesta/demo/market/texts.py parses them.
"""

TEXT = """
A al-shrinkage automotive industrial invention_patent
高强韧铸造铝合金缩松缺陷控制技术
针对A356、ZL114A等铸造铝合金厚大部位的缩松与缩孔，建立凝固过程数值模拟与补缩通道设计方法，结合局部加压补缩和冷铁布置，铸件致密度和延伸率显著提高。
缩松,缩孔,凝固模拟,补缩,铸造铝合金

A al-degassing automotive industrial invention_patent
铝合金熔体旋转喷吹除气与在线净化技术
采用旋转喷吹惰性气体与复合精炼熔剂，将铝液含氢量降至0.10 mL/100g以下，同时过滤氧化夹杂，减少针孔状氢气孔，适用于低压铸造和重力铸造生产线。
熔体净化,除气,含氢量,氢气孔,夹杂

A cast-xray scientific-instruments pilot software
铸件内部缺陷X射线数字成像自动识别系统
基于数字射线成像与卷积神经网络，对铸件内部气孔、缩松、夹杂进行自动识别与分级评定，检测节拍小于20秒，可接入生产线实现全检。
数字射线,无损检测,缺陷识别,深度学习

A al-fsw aerospace pilot invention_patent
铝合金厚板搅拌摩擦焊接工艺与装备
研究2xxx、7xxx系铝合金厚板搅拌摩擦焊的搅拌头设计、焊接热循环与接头组织演变，接头强度系数达0.8以上，无熔化焊的气孔与热裂问题。
搅拌摩擦焊,铝合金,接头强度,固相连接

A cast-sandburn machinery industrial trade_secret
铸钢件机械粘砂与化学粘砂防治涂料
研制锆英粉—刚玉复合耐火涂料，提高型腔表面烧结层致密性，阻止钢液渗入砂型，铸钢件表面粘砂面积减少80%，清理工时大幅下降。
粘砂,耐火涂料,铸钢,砂型

A weld-cold-crack machinery industrial invention_patent
低合金高强钢焊接冷裂纹敏感性评价与防止技术
基于斜Y坡口拘束试验和扩散氢测定，建立Q690—Q960级高强钢冷裂纹敏感性指数，给出预热温度、层间温度、后热消氢与低氢焊材匹配的工艺窗口，防止延迟裂纹。
冷裂纹,延迟裂纹,扩散氢,预热,高强钢

A weld-ultrasonic-impact machinery industrial utility_model
焊接接头超声冲击处理与残余应力调控
利用超声冲击使焊趾表层塑性变形，将残余拉应力转变为压应力，焊接结构疲劳寿命提高2倍以上，适用于桥梁、工程机械与船舶结构。
残余应力,超声冲击,疲劳寿命,焊趾

A steel-tmcp fine-steel industrial invention_patent
Q690高强钢板控轧控冷TMCP工艺
通过精确控制终轧温度与加速冷却速率，获得细小贝氏体组织，使Q690级钢板在不添加贵重合金的条件下屈服强度稳定达标，降低合金成本。
控轧控冷,TMCP,贝氏体,高强钢板

A al-mig-porosity automotive pilot invention_patent
铝合金MIG焊焊缝气孔形成机理与抑制方法
揭示铝合金熔化极气体保护焊中氢致气孔的形核与逸出规律，提出焊丝表面清理、脉冲波形与保护气体配比的组合工艺，焊缝气孔率低于0.5%。
MIG焊,气孔,铝合金焊接,保护气体

A concrete-crack successor-industries industrial invention_patent
大体积混凝土温度裂缝控制技术
采用低热胶凝材料、内部冷却水管与温度应力仿真，控制大体积混凝土浇筑后的内外温差，防止早期温度裂缝，已用于桥梁承台和设备基础。
大体积混凝土,温度裂缝,温控,水化热

A forge-fold automotive industrial invention_patent
曲轴热模锻成形折叠缺陷预测与模具优化
基于刚塑性有限元模拟金属流动，预测热模锻过程中的折叠、充不满等缺陷，优化预锻件形状与飞边槽尺寸，锻件一次合格率提高到98%以上。
热模锻,折叠,金属流动,有限元,模具设计

A crank-induction automotive industrial utility_model
曲轴圆角感应淬火强化技术
对曲轴主轴颈与连杆颈圆角实施感应淬火，形成均匀硬化层，弯曲疲劳强度提高60%，配套专用淬火感应器与工艺参数库。
感应淬火,曲轴,疲劳强度,硬化层

A ductile-iron machinery industrial invention_patent
高强度球墨铸铁曲轴铸造技术
通过球化与孕育处理及金属型覆砂铸造，生产QT800级球墨铸铁曲轴，球化率90%以上，以铸代锻降低成本。
球墨铸铁,球化,孕育,以铸代锻

A gear-distortion machinery industrial invention_patent
渗碳齿轮热处理畸变控制与低压真空渗碳高压气淬
采用低压真空渗碳与高压气淬替代传统油淬，结合装炉方式优化与畸变预测模型，齿轮内孔与齿向畸变减少50%以上，减少磨齿余量。
热处理畸变,真空渗碳,高压气淬,渗碳齿轮

A gear-modification automotive pilot invention_patent
变速器齿轮微观修形与啸叫噪声抑制
以传动误差最小为目标进行齿廓与齿向修形设计，抑制变速器齿轮啸叫，台架试验阶次噪声降低6 dB。
齿轮修形,啸叫,传动误差,NVH

A carburizing-steel fine-steel industrial invention_patent
高淬透性窄带渗碳齿轮钢冶炼技术
通过成分精确控制与钙处理，生产淬透性带宽不大于4 HRC的渗碳齿轮钢，钢材纯净度高，满足汽车齿轮用钢要求。
齿轮钢,淬透性,纯净钢,钙处理

A slab-corner-crack fine-steel industrial invention_patent
微合金钢连铸坯角部横裂纹控制技术
分析含铌、钒微合金钢在第三脆性温度区的析出行为，采用倒角结晶器与二冷区弱冷—强冷组合，避开脆性区矫直，铸坯角部横裂纹发生率降低90%。
连铸坯,角部横裂纹,第三脆性区,倒角结晶器,微合金钢

A scale-control fine-steel industrial invention_patent
热轧带钢表面氧化铁皮结构控制技术
通过卷取温度与冷却制度调控，获得以Fe3O4为主的致密氧化铁皮，提高热轧带钢免酸洗使用的耐蚀性和涂装性能。
氧化铁皮,热轧带钢,免酸洗,卷取温度

A mg-mao magnesium-materials industrial invention_patent
镁合金微弧氧化陶瓷膜层耐蚀技术
在镁合金表面原位生长致密陶瓷膜层，膜基结合良好，中性盐雾试验超过500 h不腐蚀，可作为涂装底层，适用于汽车和3C镁合金件。
微弧氧化,镁合金,耐蚀,陶瓷膜层,盐雾

A mg-diecast magnesium-materials industrial invention_patent
大型薄壁镁合金压铸件成形技术
针对镁合金方向盘骨架、仪表板支架等薄壁件，优化浇注系统与模具温度场，解决冷隔与充型不足，压铸件壁厚可至1.5 mm。
镁合金压铸,薄壁件,充型,冷隔

A mg-refractory magnesium-materials industrial invention_patent
高纯电熔镁砂及镁碳耐火材料制备
以辽宁菱镁矿为原料，经轻烧、电熔制备MgO含量97.5%以上的高纯电熔镁砂，用于炼钢转炉和钢包的镁碳砖，抗侵蚀性能好。
菱镁矿,电熔镁砂,镁碳砖,耐火材料

A ndfeb-gbd rare-earth-magnets industrial invention_patent
烧结钕铁硼晶界扩散重稀土提高矫顽力技术
在磁体表面涂覆镝、铽化合物并进行晶界扩散热处理，使重稀土富集于晶粒壳层，内禀矫顽力提高8—12 kOe，重稀土用量减少60%，提升磁体高温工作稳定性。
晶界扩散,矫顽力,钕铁硼,重稀土,高温稳定性

A ndfeb-recycle rare-earth-magnets industrial invention_patent
钕铁硼废料稀土元素高效回收技术
采用氧化焙烧—盐酸优溶—萃取分离流程，从钕铁硼切削废料中回收镨钕、镝等稀土，回收率95%以上。
稀土回收,钕铁硼废料,萃取分离

A ndfeb-coating rare-earth-magnets industrial utility_model
钕铁硼磁体表面电镀镍铜镍防护层
开发钕铁硼磁体的镍—铜—镍多层电镀工艺，改善镀层结合力与孔隙率，盐雾试验72 h无锈点。
电镀,钕铁硼,防护镀层,结合力

A blade-tmf superalloys pilot invention_patent
镍基高温合金涡轮叶片热机械疲劳寿命评估与修复
建立定向凝固镍基合金叶片在启停循环下的热机械疲劳与蠕变交互损伤模型，结合榫头部位应力分析给出剩余寿命，并开发叶片裂纹钎焊修复工艺。
热机械疲劳,蠕变,涡轮叶片,寿命评估,钎焊修复

A blade-single-crystal superalloys pilot invention_patent
单晶高温合金叶片定向凝固精密铸造
通过螺旋选晶器与高梯度定向凝固炉，制备单晶高温合金涡轮叶片，控制杂晶与雀斑缺陷，单晶合格率达到85%。
单晶叶片,定向凝固,精密铸造,杂晶

A wind-blade-recycle wind-energy pilot invention_patent
退役风电叶片玻璃纤维复合材料回收利用
采用机械破碎与热解相结合的方法处理退役风电叶片，回收玻璃纤维用于建材和增强塑料，实现叶片固废资源化。
风电叶片,复合材料回收,热解,玻璃纤维

A ti-cutting machinery industrial invention_patent
钛合金难加工材料高效切削刀具涂层与参数优化
针对TC4钛合金导热差、粘刀严重的特点，开发AlTiSiN纳米复合涂层刀具，配合高压冷却与切削参数优化，刀具寿命提高2.5倍，材料去除率提高40%。
钛合金,难加工材料,刀具涂层,刀具寿命,高压冷却

A ti-am aerospace pilot invention_patent
钛合金激光选区熔化增材制造技术
研究TC4钛合金激光选区熔化成形的工艺参数与致密度、残余应力的关系，制备复杂构件并进行热等静压处理，力学性能达到锻件水平。
增材制造,激光选区熔化,钛合金,热等静压

A tool-grinder machinery industrial software
五轴数控工具磨床及刀具刃磨软件
自主研发五轴联动数控工具磨床与刃磨编程软件，可加工立铣刀、钻头等整体硬质合金刀具，刃口精度达到0.002 mm。
工具磨床,刃磨,五轴联动,硬质合金刀具

A cnc-thermal machinery industrial software
数控机床热误差建模与实时补偿技术
在主轴与丝杠关键点布置温度传感器，基于多元回归与神经网络建立热漂移模型，通过数控系统原点偏移实时补偿，热误差减少70%以上。
热误差,热漂移,误差补偿,数控机床,主轴

A bed-aging machinery industrial utility_model
机床铸铁床身振动时效消除残余应力工艺
以振动时效替代热时效处理机床床身、立柱铸件，残余应力消除率达到40%以上，节能90%，缩短生产周期。
振动时效,残余应力,床身,铸铁

A cmm-measure scientific-instruments pilot software
大型零件在机测量与三坐标检测技术
开发机床在机测头测量系统和配套检测软件，实现加工后的在位尺寸检测与误差评定，减少零件上下机次数。
在机测量,三坐标,测头,尺寸检测

A hydraulic-seal machinery industrial utility_model
液压缸组合密封失效机理与长寿命密封结构
研究聚氨酯、PTFE密封件在高压往复工况下的磨损、挤出与老化失效机理，设计新型组合密封与导向结构，液压缸密封寿命提高3倍。
液压密封,密封失效,磨损,聚氨酯,PTFE

A hydraulic-oil-monitor scientific-instruments pilot invention_patent
液压油污染度与水分在线监测传感器
基于光阻法颗粒计数与电容式水分检测，实时监测液压系统油液清洁度等级和含水量，提前预警磨损和油液劣化。
油液监测,污染度,颗粒计数,在线传感器

A excavator-energy machinery pilot invention_patent
液压挖掘机动势能回收与节能控制
采用蓄能器回收动臂下放势能与回转制动动能，配合负流量控制，挖掘机综合油耗降低15%。
挖掘机,能量回收,蓄能器,节能控制

A springback automotive industrial software
高强钢板冲压回弹预测与模面补偿技术
考虑包辛格效应的材料本构模型精确预测先进高强钢冲压件回弹，自动迭代修正模面，使车身覆盖件与结构件尺寸精度一次达标，减少调模次数。
回弹,模面补偿,先进高强钢,冲压成形,覆盖件

A die-coating automotive industrial invention_patent
冲压模具表面PVD涂层强化技术
在冷冲压模具工作面沉积CrN/TiAlN涂层，减少拉毛与粘模，模具修模周期延长3倍。
模具涂层,PVD,拉毛,粘模

A hot-stamping automotive industrial invention_patent
热成形钢及热冲压成形工艺
开发1500 MPa级热成形钢板及加热、冲压、模内淬火一体化工艺，零件无回弹，用于车身A柱、B柱等安全件。
热成形,热冲压,模内淬火,超高强钢

A injection-warp chemical-materials industrial software
注塑成型翘曲变形与缩痕的工艺优化
基于模流分析研究保压压力、模温与冷却时间对制品体积收缩的影响，采用随形冷却水路和正交试验优化，制品翘曲量与表面缩痕显著减小。
注塑成型,翘曲变形,体积收缩,模流分析,随形冷却

A pla-modify chemical-materials pilot invention_patent
聚乳酸生物降解塑料增韧改性
以反应性增容与弹性体共混改善聚乳酸脆性，缺口冲击强度提高5倍，可注塑成型一次性餐具与包装制品。
聚乳酸,生物降解,增韧改性

A vci-packaging fine-chemicals industrial invention_patent
气相缓蚀剂防锈包装材料
研制可挥发的胺类与羧酸盐复合缓蚀剂并制成防锈膜和防锈纸，在密闭包装内形成保护性吸附层，适用于出口机电产品长距离海运的防锈，防锈期2年以上。
气相缓蚀剂,防锈包装,缓蚀,海运

A anti-rust-paint fine-chemicals industrial invention_patent
水性带锈转化防锈涂料
涂料中的转化剂与铁锈反应生成稳定络合物，可直接涂装于轻度锈蚀的钢铁表面，兼具防锈底漆功能。
防锈涂料,带锈涂装,水性涂料

A steel-pickling fine-steel industrial invention_patent
钢材酸洗废液资源化回收铁盐技术
将钢材盐酸酸洗废液经浓缩结晶回收氯化亚铁，再生酸回用，实现酸洗废液零排放。
酸洗废液,资源化,氯化亚铁,再生酸

A coat-silane fine-chemicals industrial invention_patent
钢结构硅烷化前处理与涂层附着力提升技术
以硅烷复合转化膜替代传统磷化，在钢铁表面形成纳米级有机—无机杂化膜，提高环氧底漆与基体的结合力，划格法附着力达到0级，耐盐雾超过1000 h，且不含重金属。
硅烷化,前处理,附着力,转化膜,磷化替代

A coat-accelerated scientific-instruments pilot invention_patent
防腐涂层性能加速评价与寿命预测方法
结合循环盐雾、电化学阻抗谱和紫外老化试验，评价重防腐涂层的劣化过程并预测服役寿命，为涂层体系选择提供依据。
电化学阻抗谱,涂层寿命,加速试验,重防腐

A thermal-spray machinery industrial invention_patent
超音速火焰喷涂碳化钨耐磨涂层
采用HVOF喷涂WC-Co涂层修复和强化轴类、阀门密封面，涂层硬度HV1200以上，孔隙率低于1%，耐磨性为镀铬层的5倍。
热喷涂,耐磨涂层,碳化钨,HVOF

A paint-voc environmental-protection industrial invention_patent
涂装车间VOCs废气沸石转轮浓缩—RTO焚烧治理
对喷漆房大风量低浓度有机废气先经沸石转轮浓缩，再以蓄热式焚烧炉处理，VOCs去除率98%以上，热能回收用于烘干。
VOCs,沸石转轮,RTO,涂装废气

A bearing-diag machinery pilot software
滚动轴承早期故障智能诊断与剩余寿命预测
基于振动信号包络解调与深度学习，从强背景噪声中提取外圈、内圈和滚动体故障特征频率，识别早期点蚀与剥落，并预测剩余使用寿命，实现预测性维护。
故障诊断,包络解调,滚动轴承,剩余寿命,预测性维护

A cms-cloud networked-manufacturing industrial software
旋转机械状态监测与设备健康管理云平台
以无线振动温度传感器采集风机、泵、压缩机的运行数据，在云端进行趋势分析和报警，支持多厂区设备的健康管理与检修计划。
状态监测,设备健康管理,无线传感器,云平台

A bearing-steel fine-steel industrial invention_patent
高碳铬轴承钢真空脱气与夹杂物控制
通过RH真空脱气与低氧冶炼工艺，把GCr15轴承钢的氧含量控制在6 ppm以下，细化碳化物，减少大颗粒氧化物夹杂。
轴承钢,真空脱气,夹杂物,氧含量

A sensor-drift electronic-equipment pilot invention_patent
硅压阻压力传感器温度漂移补偿与低应力封装
分析封装胶与芯片热膨胀失配引起的零点漂移与长期稳定性问题，采用低应力粘接与数字温度补偿算法，全温区精度优于0.1%FS，年漂移小于0.05%FS。
压阻传感器,零点漂移,温度补偿,封装应力,长期稳定性

A sensor-wireless electronic-equipment pilot software
低功耗无线传感网络节点与组网协议
研制基于LoRa的低功耗传感节点与自组网协议，电池供电工作3年以上，适用于厂区温度、压力等参数的分布式采集。
无线传感网络,低功耗,LoRa,自组网

D cast-sandhole automotive
铝铸件砂眼多、打压漏气，求降低报废的办法
我们给主机厂配套铝合金转向节和变速箱壳体，毛坯加工以后表面老是冒出小孔、砂眼，一打压就漏气，月报废率到了12%，客户快要索赔了。
气密试验合格率98%以上，废品率降到3%以内
al-shrinkage:2 al-degassing:2 cast-xray:1 al-fsw:0m cast-sandburn:0p ductile-iron:0f mg-diecast:0f

D weld-crack machinery
高强钢结构件焊完放几天焊缝就裂
厂里做工程机械吊臂和压力容器，用的Q690钢板，焊完当时探伤没事，放一两天后焊缝边上出现裂纹，返修量很大，焊工说已经预热了也不管用。
焊后裂纹返修率降到1%以下
weld-cold-crack:2 weld-ultrasonic-impact:1 steel-tmcp:0m al-mig-porosity:0p concrete-crack:0w pipe-weld-robot:0f slab-corner-crack:0w

D crank-fold automotive
曲轴毛坯表面有夹层，磁粉探伤过不去
我们锻曲轴，毛坯在拐臂和圆角位置经常有一道道夹层似的纹路，磁粉探伤判废，换了几次模具师傅也找不到原因。
锻件一次合格率从90%提到97%
forge-fold:2 crank-induction:0p ductile-iron:0p cast-xray:0f gear-distortion:0f

D gear-distort machinery
齿轮淬火后变形大，磨齿磨不过来
减速机齿轮渗碳淬火以后内孔变椭圆、齿向跑偏，只能加大磨削量，有的磨完硬度又不够，废了不少。
内孔和齿向变形减少一半，磨削余量减小
gear-distortion:2 gear-modification:0p carburizing-steel:1 crank-induction:0f hot-stamping:0w

D mg-corrode magnesium-materials
镁合金零件放一阵子就发黑长白毛
我们生产镁合金笔记本外壳和汽车支架，零件放库里一两个月表面就发黑、长白毛，喷漆后也容易鼓包，客户不敢用。
中性盐雾试验500小时不腐蚀
mg-mao:2 mg-diecast:0m mg-refractory:0w anti-rust-paint:0f coat-silane:1 ndfeb-coating:0f

D magnet-weak rare-earth-magnets
电机磁钢高温下磁力变弱
我们做新能源汽车驱动电机，用的钕铁硼磁钢在电机温度高的时候磁力明显下降，电机出力不够，换更好的牌号成本又太高。
150℃下不可逆磁通损失小于3%，成本不增加
ndfeb-gbd:2 ndfeb-recycle:0m ndfeb-coating:0p pmsm-retrofit:0w

D slab-edge fine-steel
钢坯边上老有小口子，轧成板边部起皮
我们连铸出来的含铌钢坯，边角上经常有横着的小口子，轧成中厚板以后板边起皮、分层，只能切边或者改判。
板边缺陷改判率降到0.5%以下
slab-corner-crack:2 scale-control:0w steel-tmcp:0m steel-pickling:0m carburizing-steel:0f

D blade-crack superalloys
燃机叶片用几千小时叶根就裂
电厂的燃气轮机一级动叶运行几千小时后在叶根位置发现裂纹，换新叶片太贵，想知道还能用多久、能不能修。
给出叶片剩余寿命评估和修复方案
blade-tmf:2 blade-single-crystal:0p wind-blade-recycle:0w wind-icing:0w weld-cold-crack:0w ti-am:0f

D ti-tool aerospace
加工钛合金零件刀具磨得太快
我们给航空厂加工钛合金结构件，一把铣刀干不了几个件就崩刃磨损，刀具费用占到成本三成，而且效率低。
刀具寿命提高一倍以上
ti-cutting:2 ti-am:0m tool-grinder:1 die-coating:0f thermal-spray:0f

D cnc-drift machinery
机床早上和下午加工尺寸不一样，差好几丝
车间几台加工中心，早上刚开机加工的孔和下午干的差好几丝，精密件只能反复抽检调刀，夏天更明显。
全天尺寸波动控制在0.01毫米以内
cnc-thermal:2 bed-aging:0p cmm-measure:1 sensor-drift:0w tool-grinder:0f

D cylinder-leak machinery
油缸老漏油，密封圈换了没多久又漏
我们的液压油缸装在矿用设备上，用不到三个月活塞杆那里就开始渗油漏油，换了好几家的密封圈都一样，售后跑不过来。
密封寿命达到一年以上
hydraulic-seal:2 hydraulic-oil-monitor:1 excavator-energy:0f thermal-spray:1 gas-leak-acoustic:0w

D door-springback automotive
车门板冲出来尺寸对不上，总得修模
新车型换用了高强度钢板，冲出来的车门内板、加强梁跟数模差一两毫米，装车时缝隙不匀，模具修了好几轮还是不行。
零件型面偏差控制在±0.5毫米
springback:2 die-coating:0p hot-stamping:1 steel-tmcp:0m forge-fold:0f

D plastic-sink chemical-materials
注塑件表面有凹坑，放平了还翘
我们做家电塑料面板，厚的地方表面总有一块块凹下去的印子，件放平了四个角还翘起来，装配时卡不上。
外观不良率降到1%以内
injection-warp:2 pla-modify:0m masterbatch:0p hals:0m al-shrinkage:0w

D export-rust machinery
出口设备海运到港全是锈
我们的农机零部件出口东南亚，海上走一个多月，客户开箱一看齿轮、轴都生锈了，被扣了货款，涂油又太脏。
海运3个月开箱无锈蚀
vci-packaging:2 anti-rust-paint:1 steel-pickling:0m coat-silane:0f ndfeb-coating:0f

D paint-peel machinery
结构件喷完漆半年就起皮掉漆
工程机械的车架、配重喷漆出厂，半年左右漆面就起皮、一块块往下掉，客户投诉很多，怀疑是喷漆前处理不干净。
漆膜附着力达到一级，两年不脱落
coat-silane:2 coat-accelerated:1 thermal-spray:0w paint-voc:0f anti-rust-paint:1 solvent-paint:0m

D bearing-noise machinery
风机电机轴承异响，总是坏了才知道
车间的风机和电机轴承转一段时间就有异响，拆开一看滚道已经掉皮了，每次都是坏了才停机换，一停就是一天，想提前知道哪个快不行了。
提前两周预警，非计划停机减少一半
bearing-diag:2 cms-cloud:1 bearing-steel:0p gear-modification:0w sensor-wireless:1 hydraulic-oil-monitor:0f

D sensor-unstable electronic-equipment
压力变送器用半年读数就不准
我们生产压力变送器，出厂标定好的，到用户那边半年读数就慢慢偏了，冬天夏天差得更多，退换货很多。
年稳定性优于0.1%FS
sensor-drift:2 sensor-wireless:0f cmm-measure:0w hydraulic-oil-monitor:0f cnc-thermal:0w
"""
