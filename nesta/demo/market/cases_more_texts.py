"""More matching cases across the areas: machining and plant equipment, building and rubber
materials, batteries and data centres, logistics, water, geothermal, livestock and orchards,
grain drying, herbs, tablets and monitors, coatings, oily sludge, coal yards and galvanising.

Each block is an achievement (`A <id> <field> <maturity> <ip type>`, then title, summary and
keywords) or a demand (`D <id> <field>`, then title, problem, target indicators and the judged
achievements), blocks separated by an empty line; nesta/demo/market/texts.py parses them.
"""

TEXT = """
A grind-burn machinery industrial invention_patent
磨削烧伤机理与CBN砂轮高速磨削工艺
分析磨削区温度场与表层回火、二次淬火组织的关系，以立方氮化硼砂轮、高压射流冷却和磨削参数优化降低磨削热，配合巴克豪森噪声无损检测，淬硬轴类零件磨削烧伤率降到0.1%以下。
磨削烧伤,磨削温度,CBN砂轮,巴克豪森噪声,表面完整性

A wheel-dress machinery industrial utility_model
砂轮在线修整与磨削状态声发射监测
以声发射信号识别砂轮钝化与磨削异常，自动触发金刚石滚轮修整，保持砂轮锋利度和磨削一致性。
砂轮修整,声发射,磨削监测

A grind-fluid machinery industrial invention_patent
磨削液废液破乳与油泥分离回收
以复合破乳剂和离心分离处理废乳化液与磨削油泥，回收基础油，出水达到纳管标准。
磨削液,废乳化液,破乳,油泥

A furnace-uniform machinery industrial software
热处理炉温均匀性测试与智能控温系统
按AMS2750要求进行炉温均匀性测试与系统精度校验，建立多区PID与模型预测控温，炉内温差由±15 ℃降到±5 ℃，调质件硬度散差明显减小。
炉温均匀性,智能控温,调质,硬度散差,AMS2750

A pump-cavitation machinery industrial invention_patent
离心泵汽蚀机理与抗汽蚀叶轮水力设计
以CFD两相流模拟叶轮进口低压区空泡的产生与溃灭，优化叶片进口角和前盖板型线，提高必需汽蚀余量裕度，叶轮汽蚀破坏寿命延长3倍。
汽蚀,空化,叶轮设计,必需汽蚀余量,CFD

A valve-hardfacing machinery industrial invention_patent
高温高压阀门密封面钴基合金堆焊与精密研磨
采用等离子粉末堆焊司太立钴基合金密封面，控制稀释率和堆焊裂纹，配合精密研磨工艺，阀门在540 ℃下达到零泄漏等级。
密封面堆焊,钴基合金,司太立,阀门,零泄漏

A valve-casting machinery industrial invention_patent
阀体铸钢件树脂砂铸造工艺
以树脂砂造型与冒口补缩设计生产高压阀体铸钢件，提高表面质量与承压合格率。
阀体铸件,铸钢,树脂砂

A dust-explosion environmental-protection industrial utility_model
工业粉尘爆炸抑爆泄爆与火花探测系统
针对铝镁粉、面粉、木粉等可燃粉尘，集成火花探测熄灭、无焰泄爆和隔爆阀，抑制除尘系统内的粉尘爆炸传播，满足粉尘防爆安全规程。
粉尘爆炸,抑爆,泄爆,火花探测,隔爆

A bag-filter environmental-protection industrial utility_model
高效脉冲布袋除尘器
采用覆膜滤料与分室脉冲清灰，粉尘排放浓度低于10 mg/m³，适用于冶金、建材行业。
布袋除尘,覆膜滤料,颗粒物排放

A chatter-damper machinery pilot invention_patent
深孔镗削颤振稳定性预测与阻尼减振镗杆
以模态试验和稳定性叶瓣图确定无颤振的转速与切深区间，设计内置调谐质量阻尼器的减振镗杆，长径比8倍时表面粗糙度仍达Ra 0.8。
颤振,稳定性叶瓣图,减振镗杆,调谐质量阻尼,深孔加工

A epdm-aging chemical-materials industrial invention_patent
三元乙丙橡胶耐寒耐老化密封条配方
优化乙烯含量、增塑体系与防老剂，使EPDM密封条在-50 ℃保持弹性，热氧和臭氧老化后压缩永久变形小于25%，适用于严寒地区车辆与建筑门窗。
三元乙丙橡胶,耐寒,热氧老化,压缩永久变形

A rubber-recycle chemical-materials industrial invention_patent
废轮胎常压连续脱硫再生橡胶
以螺杆连续脱硫替代高温高压动态脱硫，生产环保再生橡胶，无废气废水排放。
再生橡胶,废轮胎,脱硫

A concrete-freeze successor-industries industrial invention_patent
严寒地区混凝土抗冻融与盐冻剥蚀防治
以引气剂控制含气量与气泡间距系数，掺加矿物掺合料并进行表面硅烷浸渍，混凝土抗冻等级达到F300，除冰盐作用下表面剥落量减少80%。
冻融循环,盐冻剥蚀,引气剂,抗冻等级,硅烷浸渍

A li-lowtemp energy-materials pilot invention_patent
锂离子电池低温电解液与脉冲自加热技术
以低熔点共溶剂电解液降低低温下的电荷转移阻抗，配合电池包交流脉冲自加热，-20 ℃放电容量保持率达到85%，低温充电不析锂。
低温性能,低温电解液,自加热,析锂,放电容量

A dc-cooling software industrial invention_patent
数据中心间接蒸发冷却与自然冷源利用
利用北方冬季室外低温空气，以间接蒸发冷却机组替代机械制冷，配合冷热通道封闭与气流组织优化，数据中心PUE降到1.25以下。
数据中心,间接蒸发冷却,自然冷源,PUE,气流组织

A wms-route modern-logistics industrial software
仓储作业路径优化与智能仓储管理系统
以货位热度分析优化储位分配，用拣选路径算法与任务合并减少叉车空驶，仓库作业效率提高35%。
仓储管理,WMS,拣选路径,储位优化,叉车调度

A coldchain-monitor modern-logistics industrial software
冷链物流全程温湿度监测与断链预警平台
在冷藏车和保温箱内布置蓝牙温度标签，实时上传温湿度与位置，超限即时报警并追溯责任环节，满足药品和生鲜冷链的记录要求。
冷链物流,温度监测,断链预警,冷藏车

A cold-storage-energy modern-logistics industrial invention_patent
冷库二氧化碳复叠制冷节能技术
以CO2/NH3复叠制冷系统替代氟利昂机组，冷库制冷能耗降低20%。
冷库,复叠制冷,节能

A fluoride-removal environmental-protection industrial invention_patent
农村饮用水改性活性氧化铝除氟技术
研制稀土改性活性氧化铝吸附材料与再生工艺，村镇供水站出水氟化物稳定低于1.0 mg/L，吸附剂可再生循环使用。
饮用水除氟,高氟水,吸附材料,氟化物,村镇供水

A fluoride-industrial environmental-protection industrial invention_patent
光伏行业含氟废水钙盐沉淀深度处理
以两级钙盐沉淀和混凝处理光伏电池片生产的含氟废水，回收氟化钙污泥。
含氟废水,钙盐沉淀,氟化钙

A geothermal-scaling geothermal pilot invention_patent
中深层地热水结垢与腐蚀防治技术
分析地热流体中碳酸钙与硅酸盐的结垢规律，采用井下加注阻垢剂、换热器材料选择和回灌过滤，地热井和板式换热器的清洗周期由1个月延长到1年。
地热水,结垢,腐蚀,回灌,阻垢剂

A hoof-disease livestock industrial invention_patent
奶牛蹄病综合防治与修蹄技术
开展蹄叶炎与趾间皮炎的病因调查，配套定期功能性修蹄、蹄浴和日粮调整，牛群跛行率由20%降到5%以下，产奶量提高。
蹄病,跛行,修蹄,蹄叶炎,奶牛

A poultry-cooling livestock industrial utility_model
畜禽舍湿帘纵向通风降温与环境智能控制
以湿帘—风机纵向通风系统和温湿度、氨气传感器联动控制，夏季高温时禽舍温度降低6—8 ℃，肉鸡热应激死亡率显著下降。
湿帘降温,纵向通风,热应激,环境控制,禽舍

A poultry-vaccine livestock industrial biomedicine
鸡新城疫与禽流感二联灭活疫苗
以新城疫和H9亚型禽流感流行株制备二联灭活疫苗，一针防两病。
新城疫,禽流感,疫苗

A apple-cold forestry industrial plant_variety
寒地苹果抗寒品种与防冻栽培技术
选育耐-35 ℃低温的抗寒苹果品种，配套矮化中间砧、秋季控水控氮和树干涂白，冬季枝条抽条与冻害率降到5%以下。
抗寒品种,冻害,抽条,寒富苹果,矮化中间砧

A apple-storage agri-deep-processing industrial invention_patent
苹果1-MCP处理与气调贮藏
采后以1-甲基环丙烯处理配合气调库贮藏，苹果贮藏8个月硬度和风味保持良好。
苹果贮藏,1-MCP,气调库

A rice-lodging crops industrial invention_patent
水稻抗倒伏栽培与茎秆强度调控
通过控氮增钾、施用硅肥和晒田控蘖，增加基部节间壁厚和茎秆抗折力，配合抗倒伏品种，成熟期倒伏面积减少80%。
抗倒伏,茎秆强度,硅肥,控氮,晒田

A corn-drying agri-deep-processing industrial utility_model
玉米低温循环干燥与降低应力裂纹工艺
采用低温循环烘干、分段降水和缓苏工艺，控制籽粒内部水分梯度，玉米烘后应力裂纹率和破碎率降低一半，色泽不变。
低温干燥,应力裂纹,缓苏,破碎率,粮食烘干

A corn-harvester machinery industrial utility_model
玉米籽粒直收收获机
可直接收获玉米籽粒，脱粒滚筒柔性脱粒，适合东北玉米产区机械化收获。
玉米收获机,籽粒直收,农机

A ginseng-rootrot authentic-herbs pilot invention_patent
人参锈腐病根腐病生物防控与老参地改良
查明柱孢菌、镰刀菌在连作参地中的积累规律，以土壤熏蒸、拮抗木霉菌剂和有机改良剂重建根际微生物群落，老参地再植人参存苗率提高到85%以上。
锈腐病,根腐病,老参地,再植障碍,拮抗菌

A tablet-compress new-formulations pilot invention_patent
片剂压缩成型性研究与干法制粒工艺
以压缩性、可压性和弹性复原参数评价粉体成型性，采用干法制粒与辅料配比优化，消除压片过程中的裂片、顶裂和粘冲，片剂脆碎度小于0.5%。
压缩成型性,干法制粒,裂片,粘冲,片剂

A ecg-artifact digital-medical-devices pilot software
心电信号运动伪迹抑制与实时QRS检测算法
融合加速度参考信号的自适应滤波与小波去噪，抑制患者活动和电极接触不良引起的基线漂移与运动伪迹，QRS波检出率达到99.5%，减少监护误报警。
运动伪迹,自适应滤波,基线漂移,QRS检测,心电监护

A paint-leveling fine-chemicals industrial invention_patent
汽车面漆流平控制与橘皮缺陷改善
研究涂料表面张力梯度、溶剂挥发速率和流变性对湿膜流平的影响，配合旋杯雾化参数与闪干时间优化，长波值降低40%，漆面橘皮明显改善。
流平,橘皮,长波短波,流变性,旋杯雾化

A paint-robot automotive industrial software
汽车涂装喷涂机器人离线编程与轨迹规划
以离线编程和膜厚仿真规划喷涂轨迹，保证车身漆膜厚度均匀，减少涂料浪费。
喷涂机器人,离线编程,膜厚均匀

A oily-sludge petroleum industrial invention_patent
含油污泥热解析与油品回收
对油田与炼厂罐底油泥进行间接加热热解析，回收油品，残渣含油率低于0.3%，满足综合利用要求。
含油污泥,热解析,罐底油泥,油品回收

A coal-selfheat coal industrial invention_patent
煤堆自燃分布式测温预警与防灭火技术
以分布式光纤与红外热成像监测储煤场煤堆内部温度，识别高温点后采用压实覆盖、阻化剂喷洒和氮气惰化，煤堆自燃事故减少90%。
煤自燃,煤堆测温,阻化剂,红外热成像,储煤场

A coal-dust-suppress coal industrial utility_model
储煤场干雾抑尘与防风抑尘网
以干雾喷淋和防风抑尘网减少煤场扬尘，颗粒物无组织排放达标。
抑尘,储煤场,扬尘

A zinc-passivation fine-chemicals industrial invention_patent
热镀锌层无铬钝化与白锈防护
以钛—硅复合无铬钝化液在镀锌层表面形成转化膜，抑制潮湿存储时的白锈，中性盐雾72 h白锈面积小于5%，替代六价铬钝化。
无铬钝化,白锈,镀锌层,转化膜

D grind-burn-shaft machinery
轴磨完以后表面有一圈圈发黑发蓝的印子
我们磨淬火轴和齿轮轴，有时磨完表面发黑发蓝，客户酸洗一查说表面回火了，整批退回，老师傅也说不清什么时候会出。
磨削表面无回火，批次退货为零
grind-burn:2 wheel-dress:1 grind-fluid:0p bearing-steel:0f cnc-thermal:0f

D hardness-scatter machinery
同一炉调质件硬度忽高忽低
我们调质处理的法兰和轴，同一炉出来的零件硬度有的偏高有的偏低，客户抽检老是超差，只能挑着返工。
同炉硬度差不超过3HRC
furnace-uniform:2 gear-distortion:0f carburizing-steel:0m crank-induction:0f

D pump-pitting machinery
水泵叶轮用半年就被打出蜂窝一样的坑
我们电厂循环水泵的叶轮用不了半年，叶片背面就出现一片片蜂窝状的小坑，效率下降，噪声变大。
叶轮寿命达到两年以上
pump-cavitation:2 thermal-spray:1 pmsm-retrofit:0p valve-casting:0f

D valve-internal-leak machinery
高温阀门关不严，里面一直漏
电站和石化用的高温高压截止阀，用一段时间就关不死，介质一直往下游漏，拆开看密封面上有划痕和裂纹。
阀门达到零泄漏，使用寿命一年以上
valve-hardfacing:2 valve-casting:0p hydraulic-seal:0w gas-leak-acoustic:0w weld-cold-crack:0f

D dust-fire environmental-protection
打磨车间粉尘多，怕着火爆炸
我们铝合金件抛光打磨车间粉尘很大，应急管理局检查说有爆炸隐患，要求限期整改，我们不知道该装什么设备。
通过粉尘防爆安全检查
dust-explosion:2 bag-filter:1 coal-dust-suppress:0f paint-voc:0f

D bore-vibration machinery
镗深孔时刀杆抖得厉害，孔里全是振纹
加工液压缸体的深孔，刀杆一伸长就开始抖，声音刺耳，孔壁上一圈圈振纹，只能降转速慢慢干。
深孔表面粗糙度Ra0.8，效率不降
chatter-damper:2 ti-cutting:0f cnc-thermal:0f tool-grinder:0f

D seal-strip-harden chemical-materials
车门密封胶条一过冬天就变硬开裂
我们给客车厂做门窗密封条，用在东北的车一过冬天胶条就发硬、裂口子，关门漏风，客户要求换料。
零下40度不硬化，三年不开裂
epdm-aging:2 rubber-recycle:0m hals:1 hydraulic-seal:0p

D floor-spalling successor-industries
厂区水泥地面一过冬就起皮掉渣
我们厂区道路和停车场的水泥地面，冬天撒了融雪剂以后，开春表面一层层起皮、掉渣，露出石子。
路面五年不起皮
concrete-freeze:2 concrete-crack:0m coat-silane:0w scale-control:0w

D drone-cold energy-materials
无人机冬天飞十分钟就没电
我们做电力巡检无人机，东北冬天零下二十多度，电池满电起飞十来分钟就报低电量返航，巡检任务完成不了。
零下20度续航不低于常温的80%
li-lowtemp:2 li-gassing:0f li-recycle:0p heat-pump-evi:0f

D server-room-power software
机房空调电费太高
我们数据中心一年电费三千万，其中空调制冷占了四成，东北冬天外面零下二十度，机房里还开着压缩机制冷。
PUE降到1.3以下
dc-cooling:2 heat-pump-evi:0f transformer-hotspot:0w pmsm-retrofit:1

D forklift-empty modern-logistics
仓库叉车跑空趟多，发货慢
我们的配件仓库有两万多个货位，拣货全靠人记，叉车来回跑空趟，旺季发货总是拖到半夜。
拣货效率提高30%，当天订单当天发
wms-route:2 aps:0f erp-finance:0f trace:0f

D coldchain-spoil modern-logistics
冷藏车路上温度失控，到货坏了说不清责任
我们做生鲜和疫苗配送，有几次到货发现温度超了，货损了，司机说一路都正常，查不到是哪段出的问题。
全程温度可追溯，超温及时报警
coldchain-monitor:2 cold-storage-energy:0f blueberry-ca:0f grain-storage:0f

D village-water environmental-protection
村里井水喝了牙发黄，化验说氟高
我们县有几十个村的井水氟超标，孩子牙齿发黄，有的老人腿脚变形，想在村里供水站加设备，运行费用要低。
出水氟化物低于1毫克每升，吨水成本低
fluoride-removal:2 fluoride-industrial:0m mbr-municipal:0f scale-inhibitor:0w

D geothermal-plugged geothermal
地热井和换热器没多久就堵
我们小区用地热水供暖，井管和板换里结了一层白色硬垢，一个月就得拆洗一次，回灌井也越来越灌不进去。
换热器清洗周期一年以上
geothermal-scaling:2 scale-inhibitor:1 ground-source:0f boiler-water:0f

D cow-limp livestock
牛场好多奶牛走路一瘸一拐
我们牧场一千多头奶牛，差不多五分之一走路瘸，躺着不愿意起来，产奶量也下来了，兽医忙不过来。
跛行率降到5%以下
hoof-disease:2 mastitis:0f beef-breed:0f

D chicken-heat-death livestock
夏天鸡舍太热，鸡成片热死
我们的肉鸡场夏天一到三十五度，鸡舍里鸡张嘴喘气，一个棚一天能热死好几百只。
高温天死淘率不超过平时
poultry-cooling:2 poultry-vaccine:0p greenhouse-pcm:0f

D apple-winterkill forestry
果树冬天冻死枝条，开春抽干
我们在吉林种的苹果树，一过冬枝条就抽干发黑，有的整棵冻死，今年补苗就补了三成。
冻害和抽条率降到5%以下
apple-cold:2 apple-storage:0p larch-pest:0f seedling:0f

D rice-lodge crops
水稻快熟时一刮风就倒一大片
我们种的水稻长得挺旺，可一到灌浆后期刮风下雨就成片倒伏，收割机收不了，米质也变差。
成熟期不倒伏
rice-lodging:2 rice-blast:0f rice-quality:0f rice-transplanter:0p

D corn-broken agri-deep-processing
玉米烘干以后碎粒多、颜色发暗
我们烘干塔烘出来的玉米碎粒多，颗粒上有很多裂纹，颜色也发暗，卖给淀粉厂和出口都被扣等级。
破碎率降到3%以下，色泽正常
corn-drying:2 grain-storage:1 corn-starch:0p corn-harvester:0p

D ginseng-replant authentic-herbs
人参地种过一茬再种就烂根
我们参场的地种过一茬人参后再种，第二三年根上长锈斑、烂根，死苗一大半，新林地又越来越难批。
老参地再种存苗率80%以上
ginseng-rootrot:2 ginseng-gap:1 ginsenoside:0p soy-nematode:0f

D tablet-split new-formulations
压片时药片裂开、顶部掉盖
我们一个中药片剂压片时老是裂片，顶上一层掉下来，还粘冲头，压片机转速一提就更严重。
压片合格率99%以上，可提速
tablet-compress:2 coating-machine:0p solid-dispersion:0p dissolution-tester:0f

D monitor-false-alarm digital-medical-devices
病人一动心电监护就乱报警
我们生产的监护仪，病人翻身、活动时波形就乱，老是误报心律失常，护士说报警太多都不想看了。
误报警减少80%
ecg-artifact:2 us-speckle:0f sensor-drift:0w

D paint-orange-peel automotive
车身漆面像橘子皮一样不平
我们涂装线喷出来的车门和引擎盖，侧着看漆面有一层橘子皮一样的纹，客户评审外观不合格。
漆面长波值降低40%
paint-leveling:2 paint-robot:1 coat-silane:0p paint-voc:0f

D tank-bottom-sludge petroleum
油罐底清出来的油泥堆着没法处理
我们油库每年清罐产生几百吨黑乎乎的油泥，按危废处理费用太高，里面还有不少油。
油泥减量90%，回收其中的油
oily-sludge:2 sludge-dewater:0p produced-water:0f paraffin-refine:0f

D coal-pile-smoke coal
煤场煤堆放久了冒烟着火
我们电厂的储煤场夏天煤堆放一两个月就冒烟，有时候里面已经烧起来了，发现时热值损失很大。
煤堆自燃事故为零
coal-selfheat:2 coal-dust-suppress:0p boiler-slagging:0f gas-drainage:0f

D galvanized-white-rust fine-chemicals
镀锌件放在库里长白毛
我们的镀锌钢构件和紧固件放在仓库里，潮一点的季节表面就长一层白毛，客户以为是质量问题拒收。
存放半年不出白锈
zinc-passivation:2 vci-packaging:1 ndfeb-coating:0f steel-pickling:0f

D formaldehyde-smell forestry-industry
板式家具甲醛味大，检测超标
我们生产板式家具，有买家说气味刺鼻，送检甲醛释放量超标，要求退货赔偿。
达到无醛级
wood-glue:2 wood-heat-mod:0m biofilter-odor:0w
"""
