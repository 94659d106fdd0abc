import { demoSupplierCategories, type DemoCategory } from './categories';
import { demoId, pick, seededRandom } from './ids';
import { demoSuppliers } from './organisations';

/**
 * The demo innovations: well over a hundred plausible UK roads innovations, each offered by a
 * demo supplier that sells in its category (`demoSupplierCategories`). Generated deterministically
 * from per-category building blocks, so every machine seeds the same rows and ids.
 */
export type DemoInnovationStatus =
  'DRAFT' | 'SUBMITTED' | 'UNDER_REVIEW' | 'CHANGES_REQUESTED' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'ARCHIVED';
export type DemoPricingModel = 'PER_UNIT' | 'PER_SQUARE_METRE' | 'PER_LINEAR_METRE' | 'SUBSCRIPTION' | 'LICENCE' | 'PROJECT_QUOTE';

export interface DemoInnovation {
  key: string;
  id: string;
  supplierId: string;
  title: string;
  summary: string;
  description: string;
  category: DemoCategory;
  tags: string[];
  trl: number;
  status: DemoInnovationStatus;
  pricingModel: DemoPricingModel | null;
}

type Product = [title: string, summary: string, tags: string[]];

interface CategoryBlocks {
  tag: string;
  pricing: DemoPricingModel[];
  /** How the innovation is put to work on the network; one is picked per innovation. */
  deployment: string[];
  /** What a highway authority gains; one is picked per innovation. */
  benefits: string[];
  products: Product[];
}

const blocks: Record<DemoCategory, CategoryBlocks> = {
  SURFACING_AND_MATERIALS: {
    tag: 'surfacing',
    pricing: ['PER_SQUARE_METRE', 'PER_SQUARE_METRE', 'PROJECT_QUOTE'],
    deployment: [
      'It is laid with conventional paving plant, so term contractors need no new equipment.',
      'It is laid to the Specification for Highway Works by accredited surfacing gangs.',
      'Mixing takes place at partner asphalt plants across the UK, within normal haul distances.',
    ],
    benefits: [
      'Authorities report longer resurfacing intervals and fewer reactive repairs.',
      'It lowers the embodied carbon of each tonne laid compared with a standard hot-rolled asphalt.',
      'It keeps more material out of landfill by reusing what the network already holds.',
    ],
    products: [
      [
        'Graphene-enhanced asphalt binder',
        'A graphene-modified bitumen binder that extends surface course life and resists rutting under heavy traffic.',
        ['graphene', 'bitumen', 'durability'],
      ],
      [
        'Warm-mix asphalt with recycled plastic modifier',
        'Asphalt mixed and laid around 40°C cooler, using a polymer modifier made from recycled plastic.',
        ['warm-mix', 'recycled plastic', 'low-carbon'],
      ],
      [
        'High-RAP surface course',
        'A surface course containing up to 50% reclaimed asphalt planings without loss of performance.',
        ['reclaimed asphalt', 'circular economy'],
      ],
      [
        'Bio-based rejuvenator for reclaimed asphalt',
        'A plant-derived oil that restores aged binder in planings so they can go back into surface courses.',
        ['bio-based', 'reclaimed asphalt'],
      ],
      [
        'Cold-lay microasphalt for rural roads',
        'A cold-applied thin surfacing that seals and re-profiles rural lanes in a single pass.',
        ['cold-lay', 'surface treatment', 'rural'],
      ],
      [
        'Lignin bio-binder asphalt',
        'Asphalt in which part of the bitumen is replaced with lignin from the paper industry.',
        ['bio-binder', 'low-carbon'],
      ],
      [
        'Self-healing asphalt with induction heating',
        'Steel-fibre asphalt whose micro-cracks close when a passing induction unit warms the binder.',
        ['self-healing', 'preventative maintenance'],
      ],
      [
        'Geosynthetic interlayer for reflective cracking',
        'A glass-fibre grid laid beneath overlays to stop cracks in old concrete or asphalt reaching the surface.',
        ['geosynthetic', 'crack control'],
      ],
      [
        'Coloured high-friction surfacing from recycled aggregate',
        'A resin-bound coloured surfacing using recycled glass and calcined bauxite substitutes.',
        ['high-friction', 'recycled aggregate', 'coloured surfacing'],
      ],
      [
        'Ultra-thin surface course for urban streets',
        'A 15 mm thin surface course that restores texture without raising kerb upstands or ironwork.',
        ['thin surfacing', 'urban'],
      ],
      [
        'Crumb-rubber modified asphalt',
        'Asphalt modified with crumb rubber from end-of-life tyres, for quieter and more flexible surfaces.',
        ['crumb rubber', 'noise reduction', 'recycled'],
      ],
    ],
  },
  POTHOLE_REPAIR: {
    tag: 'potholes',
    pricing: ['PER_UNIT', 'PER_SQUARE_METRE', 'SUBSCRIPTION'],
    deployment: [
      'Crews are trained in a day and work from a single van, so a gang can complete more repairs per shift.',
      'It works in wet and cold weather, which lets authorities keep repairing through the winter.',
      'It links to existing defect management systems through a documented API.',
    ],
    benefits: [
      'Authorities see more first-time permanent repairs and fewer returns to the same defect.',
      'It cuts the cost per repair and the time a lane is closed.',
      'It finds defects before they become claims, which reduces third-party liability.',
    ],
    products: [
      [
        'AI pothole detection from refuse-vehicle cameras',
        'Cameras on bin lorries capture every street weekly, and machine learning flags potholes with their size and location.',
        ['AI', 'detection', 'computer vision'],
      ],
      [
        'Infrared pothole repair with in-situ recycling',
        'An infrared heater softens the surrounding asphalt so the repair is recycled in place and seamlessly bonded.',
        ['infrared', 'in-situ recycling'],
      ],
      [
        'Spray-injection patching unit',
        'A truck-mounted unit that cleans, tacks and fills potholes with emulsion and chippings, operated from the cab.',
        ['spray injection', 'single operator'],
      ],
      [
        'Permanent cold-lay pothole compound',
        'A bagged cold-lay repair material that reaches full strength under traffic, with no hot plant required.',
        ['cold-lay', 'permanent repair'],
      ],
      [
        'Thermal road repair heater for seamless joints',
        'A towed heater that removes cold joints around patches, sealing them against water ingress.',
        ['thermal repair', 'joint sealing'],
      ],
      [
        'Robotic pothole filling vehicle',
        'A vehicle that scans, cuts and fills potholes automatically while the operator stays in the cab.',
        ['robotics', 'automation', 'safety'],
      ],
      [
        'Pothole reporting app with photo triage',
        'A public reporting app that uses photos to grade defects and route them to the right inspector.',
        ['citizen reporting', 'triage'],
      ],
      [
        'Hot-box asphalt recycler',
        'A trailer that keeps asphalt hot all day and recycles planings into repair material, for year-round patching.',
        ['hot box', 'recycling'],
      ],
      [
        'Pre-cut pothole repair kits',
        'Kits sized to common defect shapes, with cutting templates and sealant, to support first-time-fix repairs.',
        ['first-time fix', 'kit'],
      ],
      [
        'Polymer-modified joint sealant for patch edges',
        'An overbanding sealant that keeps water out of patch edges and slows the return of the pothole.',
        ['sealant', 'preventative maintenance'],
      ],
      [
        'Predictive pothole risk model',
        'A model that combines freeze-thaw cycles, traffic and surface age to forecast where potholes will form.',
        ['prediction', 'freeze-thaw', 'data'],
      ],
    ],
  },
  STREET_LIGHTING: {
    tag: 'lighting',
    pricing: ['PER_UNIT', 'PER_UNIT', 'SUBSCRIPTION'],
    deployment: [
      'Units fit existing columns and brackets, so no civils work is needed.',
      'It integrates with the main central management systems used by UK lighting authorities.',
      'Installation follows the ILP and BS 5489 guidance the authority already works to.',
    ],
    benefits: [
      'Authorities cut lighting energy use and the carbon it carries.',
      'Night-time maintenance visits fall because faults are reported before residents call.',
      'It reduces light spill and sky glow while keeping roads lit to standard.',
    ],
    products: [
      [
        'Adaptive LED street lighting with CMS',
        'LED lanterns controlled from a central management system that dims and brightens to demand.',
        ['LED', 'CMS', 'dimming'],
      ],
      [
        'Solar-powered LED bollards for rural crossings',
        'Off-grid illuminated bollards that light rural crossing points without a power connection.',
        ['solar', 'off-grid'],
      ],
      [
        'Wildlife-friendly amber LED lanterns',
        'Lanterns with an amber spectrum that protects bats and insects near sensitive habitats.',
        ['biodiversity', 'amber LED'],
      ],
      [
        'Smart lighting nodes with air-quality sensing',
        'Lighting controllers that also measure NO2 and particulates, sending readings over the CMS network.',
        ['air quality', 'sensors', 'smart city'],
      ],
      [
        'Ultrasonic structural testing of lighting columns',
        'A non-destructive test that finds corrosion at the root of steel columns before they fail.',
        ['structural testing', 'columns'],
      ],
      [
        'Traffic-responsive dimming profiles',
        'Dimming profiles set from live traffic counts, so roads are lit to the class their use needs.',
        ['dimming', 'traffic data'],
      ],
      [
        'Retrofit LED modules for heritage lanterns',
        'LED engines that fit inside heritage lanterns and keep their appearance in conservation areas.',
        ['heritage', 'retrofit'],
      ],
      [
        'Glass-fibre composite lighting columns',
        'Lightweight, non-corroding, passively safe columns that two people can install.',
        ['composite', 'passive safety'],
      ],
      [
        'Remote fault detection for lighting circuits',
        'Cable fault monitoring that pinpoints broken circuits and cuts investigation time.',
        ['fault detection', 'cables'],
      ],
      [
        'Dark-sky full-cutoff optics',
        'Optics that put light only where it is needed, supporting dark-sky reserve status.',
        ['dark sky', 'light pollution'],
      ],
      [
        'Lighting as a service with performance guarantee',
        'A funded LED upgrade repaid from energy savings, with a guaranteed lighting performance.',
        ['funding', 'energy savings'],
      ],
    ],
  },
  DRAINAGE_AND_FLOOD_RESILIENCE: {
    tag: 'drainage',
    pricing: ['PER_UNIT', 'PER_LINEAR_METRE', 'PROJECT_QUOTE'],
    deployment: [
      'It fits standard gully and chamber openings and is installed by drainage crews in one visit.',
      'It is designed to the CIRIA SuDS Manual and accepted by lead local flood authorities.',
      'Sensor data is published to the authority’s asset system and flood warning dashboards.',
    ],
    benefits: [
      'Authorities cleanse by need instead of by calendar, saving vehicle visits.',
      'It lowers the risk of highway flooding and the closures that follow.',
      'It slows run-off at source and improves water quality downstream.',
    ],
    products: [
      [
        'Self-cleansing gully pots',
        'Gully pots shaped to keep silt moving, so they block far less often between cleanses.',
        ['gullies', 'low maintenance'],
      ],
      [
        'Gully silt-level sensors',
        'Battery sensors that report silt depth in each gully over LoRaWAN, so crews visit only full ones.',
        ['sensors', 'LoRaWAN', 'gullies'],
      ],
      [
        'Permeable block paving system for SuDS',
        'Load-bearing permeable paving that stores and infiltrates run-off beneath car parks and side streets.',
        ['SuDS', 'permeable paving'],
      ],
      [
        'Modular rain garden kerb units',
        'Kerb inlets and planters that route street run-off into rain gardens.',
        ['rain gardens', 'green infrastructure'],
      ],
      [
        'Flood warning sensors for fords and underpasses',
        'Water-level sensors that trigger warning signs and alerts when a ford or underpass floods.',
        ['flood warning', 'sensors'],
      ],
      [
        'Trenchless culvert relining',
        'Glass-reinforced liners cured in place inside failing culverts, with no road excavation.',
        ['trenchless', 'culverts'],
      ],
      [
        'High-capacity linear drainage channel',
        'A slot drain with high hydraulic capacity for flat carriageways and shared-surface streets.',
        ['channel drainage', 'shared space'],
      ],
      [
        'Gully cleansing route optimisation',
        'Software that plans gully tanker routes from silt data, flood history and road closures.',
        ['route optimisation', 'software'],
      ],
      [
        'Recycled-plastic geocellular attenuation crates',
        'Underground storage crates made from recycled plastic, holding storm water beneath the highway.',
        ['attenuation', 'recycled plastic'],
      ],
      [
        'Tree pit SuDS with structural soil cells',
        'Soil cells that carry footway loads while giving street trees rooting space and storing run-off.',
        ['street trees', 'SuDS'],
      ],
      [
        'Deployable flood barriers for highway underpasses',
        'Demountable barriers that a two-person crew can put up in minutes to keep water off the road.',
        ['flood barriers', 'resilience'],
      ],
    ],
  },
  BRIDGES_AND_STRUCTURES: {
    tag: 'structures',
    pricing: ['PROJECT_QUOTE', 'SUBSCRIPTION', 'PER_SQUARE_METRE'],
    deployment: [
      'It is installed under short possessions, without closing the structure to traffic.',
      'Results are delivered in line with CS 450 inspection requirements for highway structures.',
      'Data feeds the authority’s structures management system directly.',
    ],
    benefits: [
      'Authorities can defer or target major works with evidence of how the structure behaves.',
      'It extends the service life of ageing structures at a fraction of replacement cost.',
      'It reduces working at height and the traffic management that inspections need.',
    ],
    products: [
      [
        'Fibre-optic strain monitoring for bridges',
        'Fibre-optic sensors bonded to beams that measure strain and temperature continuously.',
        ['fibre optic', 'structural health monitoring'],
      ],
      [
        'Drone bridge inspection with photogrammetry',
        'Drone surveys that build a measurable 3D model of the structure for principal inspections.',
        ['drones', 'photogrammetry', 'inspection'],
      ],
      [
        'FRP composite bridge deck panels',
        'Fibre-reinforced polymer deck panels that are light, corrosion-free and quick to install.',
        ['FRP', 'composite'],
      ],
      [
        'Impressed-current cathodic protection',
        'Cathodic protection that halts chloride-induced corrosion in reinforced concrete bridges.',
        ['cathodic protection', 'corrosion'],
      ],
      [
        'Scour monitoring sensors for river piers',
        'Sensors that measure bed level around piers during floods and alert engineers to scour.',
        ['scour', 'sensors', 'flood'],
      ],
      [
        'InSAR retaining wall movement monitoring',
        'Satellite radar that tracks millimetre movements of retaining walls across a whole network.',
        ['InSAR', 'satellite', 'retaining walls'],
      ],
      [
        'Modular steel footbridge system',
        'Standardised steel footbridge spans delivered ready to lift in, for quick replacements.',
        ['footbridges', 'modular'],
      ],
      [
        'Rapid-cure polymer expansion joints',
        'Expansion joints that cure in hours, so replacement fits inside an overnight closure.',
        ['expansion joints', 'rapid cure'],
      ],
      [
        'Ultra-high performance concrete overlays',
        'Thin UHPC overlays that waterproof and strengthen deteriorating bridge decks.',
        ['UHPC', 'strengthening'],
      ],
      [
        'Digital twin for bridge asset management',
        'A digital twin that combines inspections, monitoring and load models for each structure.',
        ['digital twin', 'asset management'],
      ],
      [
        'Silane concrete impregnation',
        'A penetrating silane treatment that keeps chlorides out of parapets and substructures.',
        ['impregnation', 'corrosion'],
      ],
    ],
  },
  TRAFFIC_MANAGEMENT_AND_ITS: {
    tag: 'ITS',
    pricing: ['SUBSCRIPTION', 'LICENCE', 'PER_UNIT'],
    deployment: [
      'It works with the UTMC standards used by UK traffic control centres.',
      'Hardware mounts on existing signal poles and cabinets, with cellular back-haul.',
      'It is hosted in the cloud and meets the authority’s security and data protection requirements.',
    ],
    benefits: [
      'Authorities cut journey times and delays at the busiest junctions.',
      'It gives officers live evidence for network management decisions.',
      'It reduces stop-start traffic and the emissions it causes.',
    ],
    products: [
      [
        'AI adaptive signal control',
        'Signal timings optimised every cycle by machine learning from live detector and video data.',
        ['AI', 'signals', 'UTC'],
      ],
      [
        'Bluetooth and ANPR journey-time monitoring',
        'Roadside readers that measure journey times between points and publish them in real time.',
        ['journey times', 'ANPR'],
      ],
      [
        'Connected roadworks permitting platform',
        'A permitting platform that coordinates street works and checks clashes before they are approved.',
        ['street works', 'permits'],
      ],
      [
        'Portable traffic signals with remote monitoring',
        'Temporary signals whose status and faults are visible to the control centre.',
        ['temporary signals', 'roadworks'],
      ],
      [
        'Digital traffic regulation orders',
        'Machine-readable TROs that publish kerbside rules to navigation and parking apps.',
        ['TRO', 'kerbside', 'open data'],
      ],
      [
        'GNSS bus priority at signals',
        'Buses request priority at signals from their on-board location, with no loops or beacons.',
        ['bus priority', 'GNSS'],
      ],
      ['Solar-powered temporary VMS', 'Variable message signs powered by solar panels, for roadworks and events.', ['VMS', 'solar']],
      [
        'Video analytics for junction turning counts',
        'Classified turning counts from CCTV video, replacing manual surveys.',
        ['video analytics', 'traffic counts'],
      ],
      [
        'Smart parking bay sensors',
        'In-ground sensors that report bay occupancy to drivers and enforcement teams.',
        ['parking', 'sensors'],
      ],
      ['Cloud UTMC common database', 'A hosted common database that brings signals, car parks and VMS into one view.', ['UTMC', 'cloud']],
      [
        'Queue detection and alerts for roadworks',
        'Radar sensors that detect queues at roadworks and warn approaching drivers.',
        ['queue detection', 'roadworks safety'],
      ],
    ],
  },
  ROAD_SAFETY: {
    tag: 'safety',
    pricing: ['PER_UNIT', 'PER_LINEAR_METRE', 'PROJECT_QUOTE'],
    deployment: [
      'Equipment is type-approved where required and installed by the supplier’s accredited teams.',
      'It is designed to support a Safe System approach and the authority’s casualty reduction plans.',
      'It meets the relevant BS EN standards and is covered by a product approval certificate.',
    ],
    benefits: [
      'Authorities see lower speeds and fewer collisions at treated sites.',
      'It targets resources at the places where people are most at risk.',
      'It protects vulnerable road users, including motorcyclists and children walking to school.',
    ],
    products: [
      [
        'Vehicle-activated signs with speed logging',
        'Signs that show a warning to speeding drivers and log speed data for police and councils.',
        ['speed', 'VAS', 'data'],
      ],
      [
        'Average speed cameras for rural routes',
        'Solar-powered average speed enforcement for long rural routes with a high casualty record.',
        ['speed enforcement', 'rural'],
      ],
      [
        'Anti-skid surfacing for approach zones',
        'A durable high-friction treatment for bends, crossings and junction approaches.',
        ['skid resistance', 'high-friction'],
      ],
      [
        'Motorcycle-friendly road restraint system',
        'A lower rail for safety barriers that stops riders sliding under into the posts.',
        ['motorcycles', 'restraint systems'],
      ],
      ['Solar road studs', 'Active LED road studs that light the road edge on dark, unlit bends.', ['road studs', 'solar', 'delineation']],
      [
        'Near-miss detection at junctions',
        'Video AI that records near misses between vehicles, cyclists and pedestrians before collisions occur.',
        ['near miss', 'AI', 'vulnerable road users'],
      ],
      [
        'School Streets camera enforcement',
        'ANPR cameras that enforce timed School Streets closures with a permit list.',
        ['School Streets', 'ANPR'],
      ],
      [
        'Self-restoring crash cushion',
        'A crash cushion that recovers its shape after most impacts, reducing repairs and lane closures.',
        ['crash cushion', 'passive safety'],
      ],
      [
        'Wrong-way driver detection for slip roads',
        'Detectors that spot wrong-way vehicles on slip roads and trigger warning signs.',
        ['wrong-way', 'detection'],
      ],
      [
        'Wet-night retroreflective road markings',
        'Road markings that stay visible in rain at night, using large glass beads.',
        ['road markings', 'visibility'],
      ],
      [
        'Safe System risk mapping',
        'Risk maps that combine collision, speed and road-design data to rank routes for treatment.',
        ['risk mapping', 'Safe System', 'data'],
      ],
    ],
  },
  EV_CHARGING_AND_DECARBONISATION: {
    tag: 'decarbonisation',
    pricing: ['PER_UNIT', 'SUBSCRIPTION', 'PROJECT_QUOTE'],
    deployment: [
      'It can be funded through the LEVI fund and concession models familiar to UK authorities.',
      'Installation is coordinated with the distribution network operator by the supplier.',
      'Carbon figures follow PAS 2080 and are reported in tonnes of CO2e.',
    ],
    benefits: [
      'Residents without driveways gain access to affordable charging.',
      'Authorities can show measured carbon savings against their net zero targets.',
      'It avoids footway clutter and keeps pavements clear for pedestrians.',
    ],
    products: [
      [
        'Lamp-column EV charge points',
        'Charge points built into existing lighting columns, using the street lighting supply.',
        ['EV charging', 'lamp column', 'on-street'],
      ],
      [
        'Pop-up kerbside chargers',
        'Chargers that retract into the footway when not in use, keeping pavements clear.',
        ['EV charging', 'pop-up'],
      ],
      [
        'Rapid charging hubs with battery storage',
        'Rapid charging hubs with batteries that avoid costly grid upgrades.',
        ['rapid charging', 'battery storage'],
      ],
      [
        'Cross-pavement charging channels',
        'A channel set into the footway so residents can safely run a cable from home to car.',
        ['cross-pavement', 'home charging'],
      ],
      [
        'Carbon calculator for highway schemes',
        'A tool that estimates whole-life carbon for highway schemes at option stage.',
        ['carbon', 'PAS 2080', 'software'],
      ],
      [
        'Battery-electric road plant',
        'Battery-electric rollers, planers and compact plant for zero-emission roadworks.',
        ['electric plant', 'zero emission'],
      ],
      [
        'Solar canopy charging for depots',
        'Solar canopies that charge council fleet vehicles in highway depots.',
        ['solar', 'fleet', 'depots'],
      ],
      [
        'Smart charging load management',
        'Software that shares grid capacity between chargers and shifts demand off-peak.',
        ['smart charging', 'load management'],
      ],
      [
        'Cement-free concrete kerbs',
        'Kerbs made with geopolymer binder instead of Portland cement, with much lower embodied carbon.',
        ['geopolymer', 'kerbs', 'low-carbon'],
      ],
      [
        'Hydrogen-ready welfare units for roadworks',
        'Site welfare units powered by fuel cells and batteries instead of diesel generators.',
        ['hydrogen', 'welfare units', 'roadworks'],
      ],
      [
        'Embodied carbon tracking for materials',
        'A platform that tracks embodied carbon of every material delivered to highway schemes.',
        ['embodied carbon', 'reporting'],
      ],
    ],
  },
  WINTER_SERVICE: {
    tag: 'winter',
    pricing: ['SUBSCRIPTION', 'PER_UNIT', 'PROJECT_QUOTE'],
    deployment: [
      'It supports the Well-managed Highway Infrastructure code for winter service.',
      'It fits the gritter fleets and depots authorities already run.',
      'Decision support is available to duty officers around the clock through the winter.',
    ],
    benefits: [
      'Authorities use less salt while keeping priority routes safe.',
      'Duty officers make earlier and better-evidenced treatment decisions.',
      'It reduces corrosion damage to structures and vehicles from over-salting.',
    ],
    products: [
      [
        'Road weather stations with forecast integration',
        'Weather stations that measure road surface temperature and feed route forecasts.',
        ['road weather', 'forecasting'],
      ],
      [
        'Route-based forecasting for gritting decisions',
        'Forecasts of road surface temperature along each gritting route, updated hourly.',
        ['route forecasting', 'decision support'],
      ],
      [
        'Pre-wetted salt spreading controls',
        'Spreader controls that pre-wet salt with brine and adjust rates by speed and route section.',
        ['pre-wetted salt', 'spreaders'],
      ],
      [
        'Brine production and storage units',
        'Containerised units that make and store brine at the depot for pre-wetting.',
        ['brine', 'depots'],
      ],
      [
        'Gritter telematics for route compliance',
        'Telematics that prove every priority route was treated at the right spread rate.',
        ['telematics', 'compliance'],
      ],
      [
        'Bio-based de-icer from agricultural by-products',
        'A de-icer blended from agricultural by-products that works at lower temperatures than rock salt.',
        ['de-icer', 'bio-based'],
      ],
      [
        'Thermal mapping of winter routes',
        'Night-time surveys that map where each route gets coldest, to refine gritting routes.',
        ['thermal mapping', 'surveys'],
      ],
      [
        'Compact electric footway gritters',
        'Battery-powered spreaders for footways, cycle tracks and town centres.',
        ['footways', 'electric', 'spreaders'],
      ],
      [
        'Salt barn humidity monitoring',
        'Sensors that watch salt stock condition and barn humidity to cut waste.',
        ['salt stock', 'sensors'],
      ],
      [
        'Hinged polyurethane snow plough blades',
        'Plough blades that ride over ironwork and road studs, reducing damage to both.',
        ['snow ploughs', 'equipment'],
      ],
      [
        'Embedded ice detection for bridge decks',
        'Sensors set into bridge decks that detect ice forming and alert duty officers.',
        ['ice detection', 'bridges'],
      ],
    ],
  },
  ASSET_MANAGEMENT_AND_DATA: {
    tag: 'data',
    pricing: ['SUBSCRIPTION', 'LICENCE', 'PROJECT_QUOTE'],
    deployment: [
      'Data is delivered in formats the main UK highway asset management systems import.',
      'It is offered as a hosted service with support for the authority’s own analysts.',
      'Surveys are carried out by the supplier with vehicles already on the road.',
    ],
    benefits: [
      'Authorities build evidence-based, whole-life-cost programmes of work.',
      'It gives a complete, current picture of the network at lower survey cost.',
      'It helps authorities meet their Department for Transport data reporting duties.',
    ],
    products: [
      [
        'Machine-learning road condition surveys from dashcams',
        'Dashcam video from everyday fleet vehicles turned into network-wide condition scores.',
        ['machine learning', 'condition survey', 'dashcam'],
      ],
      [
        'Whole-life-cost asset management planning',
        'Planning software that compares treatment strategies by whole-life cost and condition.',
        ['lifecycle planning', 'software'],
      ],
      [
        'Mobile LiDAR network survey',
        'Vehicle-mounted LiDAR that captures carriageway, footway and street furniture in 3D.',
        ['LiDAR', 'survey'],
      ],
      [
        'Street works inspection app',
        'A mobile app for inspectors that records street works defects with photos and evidence.',
        ['street works', 'inspection', 'mobile'],
      ],
      [
        'Smartphone footway condition survey',
        'Footway condition measured with smartphone sensors carried by walking inspectors.',
        ['footways', 'smartphone'],
      ],
      [
        'Highway inventory from street-level imagery',
        'Signs, gullies and street furniture extracted automatically from street-level imagery.',
        ['inventory', 'imagery'],
      ],
      [
        'Defect management and works ordering platform',
        'A platform that takes defects from report to repair, with works orders and payment.',
        ['defects', 'works orders'],
      ],
      [
        'Satellite InSAR embankment monitoring',
        'Satellite radar that watches embankments and cuttings for early signs of instability.',
        ['InSAR', 'geotechnical'],
      ],
      [
        'Open data API for highway assets',
        'An API that publishes highway asset data openly for developers and partners.',
        ['open data', 'API'],
      ],
      [
        'Skid resistance survey analysis service',
        'Analysis of SCRIM surveys that ranks sites for investigation under CS 228.',
        ['skid resistance', 'SCRIM'],
      ],
      ['Aerial tree risk survey', 'Aerial imagery and analytics that find highway trees at risk of failure.', ['trees', 'aerial survey']],
    ],
  },
  ACTIVE_TRAVEL: {
    tag: 'active travel',
    pricing: ['PER_LINEAR_METRE', 'PER_UNIT', 'PROJECT_QUOTE'],
    deployment: [
      'It is designed to LTN 1/20 cycle infrastructure design guidance.',
      'Units are installed without excavation, so schemes can be trialled under experimental orders.',
      'Designs are checked against Active Travel England design assessments.',
    ],
    benefits: [
      'More people walk, wheel and cycle on the routes where it is installed.',
      'Schemes are delivered faster and at lower cost than full civils construction.',
      'It makes streets more accessible for disabled people and older residents.',
    ],
    products: [
      [
        'Modular kerb-segregated cycle lane system',
        'Precast kerb units that form a segregated cycle lane and can be moved as schemes evolve.',
        ['cycle lanes', 'segregation', 'modular'],
      ],
      [
        'Recycled-plastic parklets',
        'Parklets built from recycled plastic that turn a parking bay into seating and planting.',
        ['parklets', 'recycled plastic', 'placemaking'],
      ],
      [
        'Cycle counters with open data feed',
        'Automatic counters that count cycles and pedestrians and publish the data openly.',
        ['counters', 'open data'],
      ],
      [
        'Sinusoidal speed humps',
        'Speed humps with a sinusoidal profile that slow cars while staying comfortable for cyclists.',
        ['traffic calming', 'cycling'],
      ],
      [
        'Tactile paving from recycled materials',
        'Tactile paving slabs made from recycled materials, meeting the guidance on tactile surfaces.',
        ['tactile paving', 'accessibility', 'recycled'],
      ],
      [
        'Light segregation wands with flexible bases',
        'Flexible wands that mark out cycle lanes and bend back after vehicle strikes.',
        ['light segregation', 'wands'],
      ],
      [
        'Secure on-street cycle hangars',
        'Lockable cycle hangars that give residents secure bike parking on their street.',
        ['cycle parking', 'residential'],
      ],
      [
        'Continuous footway crossing kit',
        'A kit of parts to carry the footway across side-road junctions at pavement level.',
        ['continuous footway', 'junctions'],
      ],
      ['Bus stop bypass modules', 'Modular bus stop islands that route cycle tracks behind the stop.', ['bus stop bypass', 'cycle tracks']],
      [
        'Solar e-bike share docks',
        'Solar-powered docking stations for e-bike share schemes, with no grid connection needed.',
        ['e-bikes', 'bike share', 'solar'],
      ],
      [
        'Accessible wayfinding totems',
        'Wayfinding totems with tactile maps and audio descriptions for walking routes.',
        ['wayfinding', 'accessibility'],
      ],
    ],
  },
};

/** Weighted so that most innovations are approved, yet every vetting status appears. */
const statusWeights: DemoInnovationStatus[] = [
  ...Array<DemoInnovationStatus>(11).fill('APPROVED'),
  'DRAFT',
  'SUBMITTED',
  'SUBMITTED',
  'UNDER_REVIEW',
  'UNDER_REVIEW',
  'CHANGES_REQUESTED',
  'REJECTED',
  'WITHDRAWN',
  'ARCHIVED',
];

/** TRLs by status: approved and retired innovations are mostly proven (7–9); others are earlier. */
const trlsByStatus: Record<DemoInnovationStatus, number[]> = {
  APPROVED: [6, 7, 7, 8, 8, 8, 9, 9, 9, 9],
  WITHDRAWN: [7, 8, 9],
  ARCHIVED: [7, 8, 9],
  DRAFT: [3, 4, 4, 5, 6],
  SUBMITTED: [4, 5, 6, 7],
  UNDER_REVIEW: [5, 6, 7, 8],
  CHANGES_REQUESTED: [4, 5, 6, 7],
  REJECTED: [3, 4, 5, 6],
};

function evidenceSentence(trl: number): string {
  if (trl >= 9) return 'Proven in operational use on live UK networks, with outcomes reported by several highway authorities.';
  if (trl >= 7) return 'Demonstrated in live trials with UK highway authorities; monitoring of outcomes continues.';
  if (trl >= 5) return 'Validated in off-network and pilot trials; the supplier is looking for further trial authorities.';
  return 'At proof-of-concept stage, tested in the laboratory; the supplier is seeking partners for a first trial.';
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The suppliers that sell in a category, in the order `demoSuppliers` lists them. */
function suppliersIn(category: DemoCategory) {
  const suppliers = demoSuppliers.filter((s) => demoSupplierCategories[s.key]?.includes(category));
  if (suppliers.length === 0) throw new Error(`No demo supplier sells ${category}`);
  return suppliers;
}

export const demoInnovations: DemoInnovation[] = (Object.entries(blocks) as [DemoCategory, CategoryBlocks][]).flatMap(
  ([category, block], categoryIndex) => {
    const random = seededRandom(2000 + categoryIndex);
    const suppliers = suppliersIn(category);
    return block.products.map(([title, summary, tags], productIndex): DemoInnovation => {
      // Round-robin first so every eligible supplier gets a share, then the rest at random.
      const supplier = productIndex < suppliers.length ? suppliers[productIndex]! : pick(random, suppliers);
      const status = pick(random, statusWeights);
      const trl = pick(random, trlsByStatus[status]);
      const key = slug(title);
      return {
        key,
        id: demoId('innovation', key),
        supplierId: supplier.id,
        title,
        summary,
        description: [summary, pick(random, block.deployment), pick(random, block.benefits), evidenceSentence(trl)].join(' '),
        category,
        tags: [block.tag, ...tags],
        trl,
        status,
        // A few listings leave pricing to conversation with the buyer.
        pricingModel: random() < 0.1 ? null : pick(random, block.pricing),
      };
    });
  },
);

export function demoInnovation(key: string): DemoInnovation {
  const found = demoInnovations.find((i) => i.key === key);
  if (!found) throw new Error(`No demo innovation "${key}"`);
  return found;
}
