"""Matching cases of life sciences: pharmaceuticals, medical devices, traditional Chinese medicine,
crops, livestock, aquaculture, forestry and food processing.

Each block is an achievement (`A <id> <field> <maturity> <ip type>`, then title, summary and
keywords) or a demand (`D <id> <field>`, then title, problem, target indicators and the judged
achievements), blocks separated by an empty line; nesta/demo/market/texts.py parses them.
"""

TEXT = """
A solid-dispersion new-formulations pilot invention_patent
难溶性药物热熔挤出固体分散体与晶型控制技术
采用热熔挤出将BCS II类难溶性药物制成无定形固体分散体，结合晶型筛选与溶出介质研究，使多条pH溶出曲线与参比制剂的相似因子f2大于50。
固体分散体,热熔挤出,晶型,溶出曲线,一致性评价

A coating-machine digital-medical-devices industrial utility_model
高效片剂包衣机智能控制系统
对包衣锅转速、进风温度与喷液速率进行闭环控制，提高片剂包衣的均匀度与批间一致性。
包衣机,片剂包衣,自动控制

A dissolution-tester scientific-instruments industrial invention_patent
全自动溶出度测定仪与在线紫外检测
集成自动取样、过滤与光纤紫外在线检测的溶出度仪，可同时测定多个溶出介质中的释放曲线。
溶出度仪,在线检测,释放曲线

A injection-compat new-formulations pilot trade_secret
注射剂与包装材料相容性及稳定性研究
系统研究注射剂与胶塞、玻璃瓶的可提取物与浸出物，分析玻璃脱片、胶塞迁移导致的可见异物和不溶性微粒，优化处方pH与包材选择，加速试验6个月质量稳定。
相容性研究,可见异物,不溶性微粒,浸出物,注射剂稳定性

A syringe digital-medical-devices industrial utility_model
自毁式一次性注射器
注射完成后活塞锁止不能重复抽吸，防止交叉感染，结构简单、成本低。
一次性注射器,自毁,医疗器械

A ginseng-gap authentic-herbs industrial trade_secret
人参规范化种植与农药残留控制技术
按照中药材GAP要求，建立林下参和农田栽参的土壤处理、病害绿色防控和生物农药替代方案，五氯硝基苯等农药残留低于欧盟限量，产品可出口。
中药材GAP,农药残留,生物农药,人参栽培,绿色防控

A pesticide-rapid scientific-instruments industrial utility_model
农产品农药残留酶抑制快速检测卡
基于乙酰胆碱酯酶抑制原理的快速检测卡，十分钟内筛查有机磷和氨基甲酸酯类农药残留。
农药残留,快速检测,酶抑制

A ginsenoside tcm-industry-base pilot invention_patent
人参皂苷Rg3定向转化制备技术
以酶法和酸热处理将人参中主要皂苷定向转化为稀有皂苷Rg3，用于保健食品和药物原料。
人参皂苷,Rg3,生物转化

A scfe tcm-industry-base industrial invention_patent
中药材超临界CO2萃取与连续逆流提取技术
以超临界二氧化碳萃取脂溶性成分并与连续逆流提取水溶性成分联用，五味子等药材有效成分得率提高30%，溶剂和能耗降低。
超临界萃取,逆流提取,得率,五味子,有效成分

A schisandra-cultivation authentic-herbs industrial plant_variety
北五味子高产栽培与搭架技术
选育高产五味子品系，配套篱架栽培和修剪技术，亩产鲜果提高40%。
五味子栽培,高产,篱架

A us-speckle digital-medical-devices pilot software
超声图像斑点噪声抑制与增强算法
基于各向异性扩散与深度学习去噪网络抑制超声影像中的斑点噪声，保留组织边缘细节，提高病灶辨识度，可嵌入超声设备的图像处理链。
斑点噪声,超声影像,图像增强,去噪

A us-cleaner machinery industrial utility_model
大功率工业超声波清洗设备
多频超声换能器与自动上下料组合的清洗设备，去除零件表面油污和研磨残留。
超声波清洗,换能器,清洗设备

A glp-tox drug-safety-evaluation industrial other
符合GLP规范的新药非临床安全性评价服务
开展啮齿类与非啮齿类动物的重复给药毒性、遗传毒性、生殖毒性与安全药理学试验，数据满足新药临床试验申请要求。
安全性评价,GLP,重复给药毒性,非临床研究

A drug-synthesis innovative-drugs pilot invention_patent
手性药物不对称催化合成工艺
以手性膦配体催化不对称氢化构建药物关键手性中心，对映选择性大于99% ee，缩短合成路线。
不对称合成,手性药物,不对称氢化

A ferment-sterile biochemical-engineering industrial trade_secret
发酵过程无菌保障与染菌在线预警
梳理补料、空气过滤、轴封和蒸汽灭菌死角等污染途径，配合尾气与溶氧参数的在线分析，早期识别杂菌污染，大罐染菌率降到1%以下。
无菌控制,杂菌污染,发酵罐,在线监测,灭菌

A ferment-feed livestock industrial invention_patent
微生物发酵饲料生产技术
以乳酸菌和芽孢杆菌固态发酵豆粕等原料，降低抗营养因子，提高饲料消化率。
发酵饲料,乳酸菌,固态发酵

A impurity-profile innovative-drugs pilot invention_patent
原料药杂质谱分析与基因毒性杂质控制
利用液质联用鉴定工艺杂质与降解杂质结构，追溯其产生的反应步骤，通过工艺参数与纯化条件控制，将亚硝胺等基因毒性杂质降至可接受摄入量以下。
杂质谱,基因毒性杂质,液质联用,工艺控制,原料药

A mycotoxin-enzyme biochemical-engineering pilot invention_patent
玉米赤霉烯酮与呕吐毒素生物降解酶制剂
筛选获得可降解DON和ZEN的菌株并异源表达降解酶，开发复合酶制剂用于饲料原料脱毒，毒素降解率85%以上，不影响营养成分。
真菌毒素,生物降解,脱毒,呕吐毒素,酶制剂

A grain-storage agri-deep-processing industrial software
粮食仓储低温准低温储藏与智能通风
以粮情测控系统实时监测粮堆温湿度，按露点自动控制机械通风与谷物冷却，抑制储粮发热、结露和霉菌生长，储粮品质保持期延长一年。
储粮,粮情测控,机械通风,结露,霉菌

A toxin-strip scientific-instruments industrial invention_patent
真菌毒素胶体金快速检测试纸条
以单克隆抗体为核心的胶体金试纸条，十分钟内定量检测黄曲霉毒素、呕吐毒素和玉米赤霉烯酮。
胶体金,快速检测,真菌毒素

A corn-starch grain-chemicals industrial invention_patent
玉米淀粉湿磨节水与副产品增值
优化玉米浸泡和湿磨分离工艺，减少新鲜水用量，玉米浆和纤维制成饲料，提高淀粉厂综合收益。
玉米淀粉,湿磨,节水

A corn-variety breeding industrial plant_variety
抗大斑病高产玉米新品种
选育高抗大斑病和丝黑穗病的早熟玉米杂交种，适合东北第二、三积温带种植，亩产750公斤以上。
玉米新品种,抗大斑病,杂交种

A rice-blast crops industrial plant_variety
寒地水稻稻瘟病抗性基因聚合与绿色防控
聚合Pi2、Pi9等广谱抗瘟基因选育寒地粳稻，配套叶瘟、穗颈瘟的测报与生物农药防治，病穗率控制在3%以下。
稻瘟病,穗颈瘟,抗病基因,绿色防控,寒地粳稻

A rice-transplanter machinery industrial utility_model
水稻钵苗有序摆栽机
实现水稻钵体苗带土有序摆栽，缓苗期短，提高寒地水稻产量。
插秧机,钵苗摆栽,农机

A soy-nematode crops industrial invention_patent
大豆连作障碍与胞囊线虫综合防控
分析大豆重茬下土壤微生物失衡与胞囊线虫积累的规律，采用抗线虫品种、生防菌剂拌种和轮作制度，连作大豆减产幅度由30%降到5%以内。
连作障碍,胞囊线虫,生防菌剂,重茬,轮作

A soy-protein agri-deep-processing industrial invention_patent
大豆分离蛋白低温提取与功能改性
以低温脱溶豆粕为原料提取分离蛋白，经酶法改性提高凝胶性和乳化性，用于肉制品和饮料。
大豆蛋白,分离蛋白,功能改性

A saline-soil crops industrial invention_patent
苏打盐碱地脱硫石膏改良与耕层构建
以脱硫石膏置换土壤胶体上的钠离子，配合有机肥、深松和暗管排盐，降低土壤pH和碱化度，重度苏打盐碱地水稻当年亩产400公斤以上。
盐碱地改良,苏打盐碱土,碱化度,暗管排盐

A heavy-metal-soil environmental-protection industrial invention_patent
镉污染农田钝化修复技术
施用硅钙钝化剂降低土壤有效态镉含量，配合低积累品种，稻米镉含量达标。
土壤修复,镉污染,钝化剂

A straw-return crops industrial invention_patent
玉米秸秆深翻还田与腐熟菌剂
研制适合寒区低温的秸秆腐熟菌剂，配套深翻还田机具，秸秆当季腐解率提高到60%，培肥黑土地。
秸秆还田,腐熟菌剂,黑土地保护

A straw-pellet clean-combustion industrial utility_model
农作物秸秆生物质成型燃料
秸秆经粉碎、挤压制成颗粒燃料，配套专用生物质炉具，替代散煤用于农村取暖。
生物质成型燃料,秸秆颗粒,清洁取暖

A straw-feed livestock industrial invention_patent
秸秆微贮青贮饲料调制技术
以复合菌剂微贮玉米秸秆，改善适口性和消化率，用于肉牛和肉羊养殖。
秸秆饲料,微贮,青贮

A potato-storage agri-deep-processing industrial invention_patent
马铃薯贮藏期干腐病防控与窖藏通风控温
查明镰刀菌干腐病与软腐病在贮藏期的侵染条件，采用入窖前愈伤处理、生防菌剂与智能通风控温控湿，贮藏期腐烂率由15%降到3%以下。
贮藏病害,干腐病,窖藏,通风控温,愈伤

A potato-seed breeding industrial invention_patent
马铃薯脱毒种薯快繁技术
以茎尖脱毒与雾培法生产原原种，提高脱毒种薯繁殖系数，降低病毒病发生。
脱毒种薯,茎尖脱毒,雾培

A potato-starch-water agri-deep-processing industrial invention_patent
马铃薯淀粉加工废水蛋白回收
从马铃薯淀粉汁水中以热絮凝回收蛋白，降低废水COD，蛋白用作饲料。
马铃薯淀粉,废水处理,蛋白回收

A rice-quality breeding industrial plant_variety
优质食味寒地粳稻新品种选育
以直链淀粉含量和胶稠度为选择指标选育低直链淀粉粳稻，米饭柔软有弹性，食味值85分以上，适合第二积温带种植。
优质粳稻,食味值,直链淀粉,新品种

A rice-polish agri-deep-processing industrial invention_patent
大米低温抛光与留胚米加工
采用多道低温碾米与水雾抛光，提高整精米率和米粒光泽。
大米加工,抛光,留胚米

A mushroom-sterile specialty-resources industrial invention_patent
香菇菌棒常压灭菌优化与木霉污染防控
确定菌棒中心温度与灭菌时间的关系，改进接种环境的空气净化，筛选拮抗木霉的生防菌，菌棒杂菌污染率由20%降至3%。
菌棒,木霉,杂菌污染,灭菌,食用菌

A fungus-process specialty-resources industrial invention_patent
黑木耳精深加工与多糖提取
从黑木耳中提取多糖并开发木耳脆片、饮料等产品，提高黑木耳附加值。
黑木耳,多糖提取,精深加工

A blueberry-ca agri-deep-processing industrial invention_patent
蓝莓采后预冷与气调保鲜技术
采后两小时内强制风冷至2 ℃，再以高二氧化碳气调包装抑制呼吸与灰霉菌，货架期由7天延长到40天，果实硬度保持良好。
采后保鲜,预冷,气调包装,货架期,灰霉

A anthocyanin specialty-resources industrial invention_patent
蓝莓花青素提取纯化技术
以大孔树脂吸附与膜分离纯化蓝莓花青素，纯度达到25%以上，用于功能食品。
花青素,大孔树脂,功能食品

A greenhouse-pcm agri-parks industrial invention_patent
日光温室相变蓄热墙体与主动储放热系统
以相变材料墙体白天吸收太阳能、夜间放热，辅以水循环主动储放热，严寒地区冬季温室夜间最低气温提高5—8 ℃，无需燃煤加温即可生产果菜。
日光温室,相变蓄热,主动储放热,越冬生产

A soilless agri-parks industrial invention_patent
温室番茄基质栽培与水肥一体化
以椰糠基质与滴灌水肥一体化进行番茄长季节栽培，亩产提高30%，节水节肥。
无土栽培,水肥一体化,基质栽培

A piglet-ped livestock industrial biomedicine
仔猪流行性腹泻灭活疫苗与母源免疫程序
以流行毒株制备猪流行性腹泻灭活疫苗，配套母猪产前免疫与返饲管理，哺乳仔猪腹泻死亡率降低60%以上。
猪流行性腹泻,灭活疫苗,母源抗体,哺乳仔猪

A manure-biogas livestock industrial invention_patent
规模猪场粪污厌氧发酵沼气工程
猪场粪污经固液分离后厌氧发酵产沼气发电，沼液沼渣还田。
粪污处理,沼气,厌氧发酵

A mastitis livestock industrial invention_patent
奶牛隐性乳房炎快速诊断与综合防控
以乳汁电导率和体细胞快速检测识别隐性乳房炎，配合乳头药浴、干奶期治疗和挤奶设备维护规范，牛群体细胞数降到20万个/mL以下。
乳房炎,体细胞数,隐性乳房炎,干奶期

A dairy-yogurt agri-deep-processing industrial invention_patent
低温发酵乳制品益生菌发酵剂
筛选耐酸耐胆盐的益生菌株，制备直投式酸奶发酵剂，替代进口菌种。
乳制品,发酵剂,益生菌

A pond-winter aquaculture industrial utility_model
寒区池塘冰下增氧与鱼类安全越冬技术
通过冰下微孔增氧、扫雪透光和水质监测，防止冰封期池塘缺氧泛塘，越冬成活率提高到95%以上。
冰下增氧,越冬,缺氧泛塘,溶解氧

A fish-process agri-deep-processing industrial invention_patent
淡水鱼糜制品加工技术
以鲢鱼为原料制备冷冻鱼糜与鱼丸，改善凝胶强度，提高淡水鱼附加值。
鱼糜,淡水鱼加工,凝胶强度

A sea-cucumber aquaculture industrial invention_patent
刺参高温期化皮病防控与池塘降温
查明夏季高温下刺参腐皮综合征的诱发条件，采用深挖池塘、遮阳降温、底质改良和益生菌调控，夏眠期刺参存活率提高30%。
刺参,腐皮综合征,夏眠,高温期管理

A sea-cucumber-process agri-deep-processing industrial invention_patent
即食海参低温加工与保质技术
以低温蒸煮和真空包装加工即食海参，保持口感，冷藏保质期6个月。
即食海参,海参加工,真空包装

A beef-aging agri-deep-processing industrial invention_patent
牛肉宰后成熟与嫩化技术
研究宰后电刺激、吊挂方式与干式/湿式成熟对肌原纤维降解的影响，剪切力降低30%以上，牛肉嫩度与风味明显改善。
宰后成熟,嫩化,剪切力,干式成熟,肉品质

A beef-breed livestock industrial invention_patent
肉牛杂交改良与育肥技术
以西门塔尔、安格斯与本地黄牛杂交改良，配套全混合日粮育肥，日增重提高20%。
肉牛改良,杂交,育肥

A wood-heat-mod forestry-industry industrial invention_patent
木材高温热改性与干燥应力控制
在蒸汽保护下对木材进行180—220 ℃热处理，降低吸湿性，结合分段干燥基准消除干燥应力，尺寸稳定性提高50%以上，用于实木地板和户外木材。
热改性,尺寸稳定性,干燥应力,吸湿,实木地板

A wood-glue forestry-industry industrial invention_patent
无醛大豆蛋白基木材胶黏剂
以改性大豆蛋白替代脲醛树脂制备人造板胶黏剂，板材甲醛释放量达到无醛级。
无醛胶黏剂,大豆蛋白,人造板

A larch-pest forestry industrial invention_patent
落叶松毛虫生物防治与监测预警
利用白僵菌、松毛虫质型多角体病毒与性信息素监测，建立落叶松毛虫发生预测和生物防治体系，防治效果85%以上且不伤天敌。
落叶松毛虫,生物防治,白僵菌,性信息素,林业有害生物

A seedling forestry industrial invention_patent
红松良种容器育苗技术
以轻基质容器培育红松良种苗，造林成活率95%以上。
红松,容器育苗,良种

D generic-dissolve new-formulations
仿制药一致性评价溶出对不上原研
我们的降压仿制药做一致性评价，几种pH条件下的溶出曲线跟原研药总对不上，换了几批原料药也一样，项目卡住了。
四条溶出曲线f2均大于50
solid-dispersion:2 coating-machine:0p dissolution-tester:1 drug-synthesis:0f injection-compat:0f scfe:0f

D injection-cloudy new-formulations
注射液放一段时间出现白点和浑浊
我们的小容量注射液刚灌装时是澄清的，放三四个月后瓶里就能看到白点，有的发浑，稳定性考察过不了。
加速6个月与长期12个月澄明度合格
injection-compat:2 syringe:0w dissolution-tester:0f solid-dispersion:0f glp-tox:0f

D ginseng-residue authentic-herbs
收来的人参农药超标，出口被退回
我们公司收购参农的人参出口韩国和欧洲，这两年好几批检出农药超标被退货，参农说不打药病就控制不住。
农残符合欧盟标准，出口不再退货
ginseng-gap:2 pesticide-rapid:1 ginsenoside:0p schisandra-cultivation:0f rice-blast:0f

D herb-extract tcm-industry-base
五味子提取出来的东西太少，成本太高
我们用五味子做保健品原料，现在用酒精回流的老办法，出料少、时间长、酒精用量大，算下来利润很薄。
有效成分得率提高30%，溶剂用量减少一半
scfe:2 schisandra-cultivation:0p ginsenoside:0f pervaporation:1 anthocyanin:0f

D ultrasound-blur digital-medical-devices
超声设备图像雪花多，医生说看不清
我们生产便携式B超，医院反映图像上雪花点多、组织边界糊，跟进口设备比看小病灶费劲。
图像清晰度达到进口中端机水平
us-speckle:2 us-cleaner:0w syringe:0f vision-defect:0f

D drug-tox-data drug-safety-evaluation
新药报临床缺动物毒性试验数据
我们是做小分子新药的初创公司，准备申报临床，药监要求的动物长期毒性和遗传毒性数据还没做，自己没有条件。
半年内完成申报所需的非临床安全性研究
glp-tox:2 drug-synthesis:0f impurity-profile:0f injection-compat:0f

D tank-contam biochemical-engineering
发酵罐老是染菌，一罐料就废了
我们厂几十吨的发酵罐，夏天每个月都有一两罐染菌倒罐，一罐损失二三十万，查了很多次也不知道菌从哪进去的。
染菌率降到1%以下
ferment-sterile:2 ferment-feed:0w mushroom-sterile:1 dairy-yogurt:0f

D api-unknown innovative-drugs
原料药有个杂质超标，查不出哪来的
我们的一个原料药检验时有个未知杂质超过了千分之一，客户要求说明来源并降下来，我们的质检只能测出含量。
杂质结构清楚，含量降到0.1%以下
impurity-profile:2 drug-synthesis:0f glp-tox:0f solid-dispersion:0f

D corn-mould agri-deep-processing
库里玉米开春返潮发霉，毒素超标被拒收
我们收的玉米堆在库里，到开春一返潮就发霉，送饲料厂检测呕吐毒素超标，被压价甚至拒收，一年损失几百万。
储存期不发霉，毒素合格
grain-storage:2 mycotoxin-enzyme:2 toxin-strip:1 corn-starch:0p corn-variety:0p straw-feed:0f

D rice-white-head crops
水稻抽穗后穗子发白发黑，减产厉害
我们合作社种的水稻，抽穗以后有一片片的穗子发白、穗脖子发黑折断，打了药也不见好，去年减产两成多。
病穗率控制在3%以内
rice-blast:2 rice-transplanter:0p rice-quality:0f rice-polish:0p

D soy-yield-drop crops
大豆重茬几年产量越来越低，根上长小白点
我们这里习惯连年种大豆，这几年产量越来越低，拔出来看根上长着小白点，苗也发黄矮小。
重茬大豆减产不超过5%
soy-nematode:2 soy-protein:0p straw-return:0f saline-soil:0f corn-variety:0f

D piglet-diarrhea livestock
猪场小猪拉稀死得多
我们的猪场冬天产房里的小猪出生没几天就拉黄水，一窝一窝地死，用了抗生素效果也不好。
哺乳仔猪死亡率降低一半以上
piglet-ped:2 manure-biogas:0p ferment-feed:1 mastitis:0f

D milk-scc livestock
牛奶体细胞高，被乳企扣钱
我们牧场交的奶体细胞数经常超过40万，乳企按等级扣钱，有的牛奶头红肿，兽医说是牛奶头发炎。
体细胞数稳定在20万以下
mastitis:2 dairy-yogurt:0p beef-breed:0f piglet-ped:0f

D fish-winter-die aquaculture
冬天鱼塘冰下闷死鱼
我们黑龙江的鱼塘一到冬天结冰，开春化冰发现大批鱼死在塘底，去年损失了三成。
越冬成活率95%以上
pond-winter:2 fish-process:0p sea-cucumber:0f sea-cucumber-process:0f

D greenhouse-cold agri-parks
冬天大棚里太冷，烧煤成本高
我们的蔬菜大棚冬天夜里最低才三四度，黄瓜番茄长不起来，烧煤加温一个棚一冬要花两万，还不环保。
不加温条件下夜间最低气温8℃以上
greenhouse-pcm:2 soilless:0f heat-pump-evi:1 straw-pellet:1

D blueberry-rot agri-deep-processing
蓝莓摘下来放几天就软烂长毛
我们基地的蓝莓摘下来运到南方，路上三四天就软了、有的长毛，损耗三成，超市不要。
运输销售期损耗低于5%
blueberry-ca:2 anthocyanin:0p grain-storage:0f potato-storage:0f

D salt-land crops
地里泛白碱，苗出不齐
我们村有几千亩地一到春天地面泛一层白碱，种下去苗出不齐，出来的也长不大，产量只有好地的三分之一。
改良后当年产量提高一倍
saline-soil:2 heavy-metal-soil:0f straw-return:1 fgd-gypsum:1 rice-quality:0f

D straw-nowhere crops
秋收后秸秆没处去，禁烧查得严
我们县秋收后地里堆满玉米秸秆，今年禁烧查得严，不烧又没办法处理，春播都受影响。
秸秆全部离田或还田利用
straw-return:2 straw-pellet:2 straw-feed:1 corncob-xylitol:0f

D potato-rot agri-deep-processing
窖里土豆放到开春烂一片
我们合作社秋天收的土豆放在窖里，到开春一翻烂了一大片，还有的发芽，损失一成半以上。
贮藏损耗降到3%以内
potato-storage:2 potato-seed:0p potato-starch-water:0p grain-storage:1

D rice-taste breeding
我们的大米口感一般，卖不上价
我们种的大米产量不低，但是煮出来饭发硬、不香，跟五常的比差一截，价格上不去。
米饭食味值85分以上
rice-quality:2 rice-polish:1 rice-blast:0f corn-variety:0f

D mushroom-green specialty-resources
香菇菌棒长绿毛，坏了一大批
我们做香菇菌棒，今年夏天很多菌棒长绿毛、发黑，一批坏了两成，菌农都不愿意要了。
菌棒污染率降到3%以下
mushroom-sterile:2 fungus-process:0f ferment-sterile:1 blueberry-ca:0w

D floor-crack forestry-industry
实木地板铺了以后开裂起拱
我们厂的实木地板卖到南方，铺了一个梅雨季就开缝、起拱，退货和赔偿很多。
铺装后一年不开裂不起拱
wood-heat-mod:2 wood-glue:0m seedling:0f concrete-crack:0w

D larch-eaten forestry
落叶松林子叶子被虫子吃光了
我们林场几万亩落叶松，今年夏天好几片林子的针叶被毛毛虫吃得光秃秃的，用化学药又怕污染水源。
虫口密度降到防治指标以下，不用化学农药
larch-pest:2 seedling:0f ginseng-gap:0f rice-blast:0f

D beef-tough agri-deep-processing
牛肉吃着发柴嚼不动
我们屠宰厂的牛肉卖给餐厅，厨师说肉发柴、嚼不动，比不上进口牛肉，只能低价卖。
嫩度达到进口谷饲牛肉水平
beef-aging:2 beef-breed:1 fish-process:0f soy-protein:0f

D sea-cucumber-melt aquaculture
夏天高温刺参化皮死亡
我们在大连养刺参，夏天水温一高，圈里的参就化皮、吐肠子，今年死了快一半。
夏季存活率提高30%
sea-cucumber:2 sea-cucumber-process:0p pond-winter:0f fish-process:0f
"""
