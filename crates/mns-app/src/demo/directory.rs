//! A realistic, made-up Norfolk SEND Local Offer directory, for demonstrations, load tests and
//! search tuning. Generation is pure and deterministic: the same size, seed and day always give
//! the same organisations and services, with the same ids.
//!
//! Everything is invented but plausible: Norfolk towns with their postcode districts and
//! approximate positions, council and NHS teams, local charities and clubs, and services built
//! from templates for each kind of service. Phone numbers come only from Ofcom's range for
//! drama (01632 960xxx) and addresses for email and the web only from `example.org`, so nothing
//! generated can reach a real person.

use chrono::{Days, NaiveDate, NaiveTime, Weekday};

use mns_domain::directory::model::{
    Accessibility, Address, Contact, CostOption, Funding, Language, LocalOfferAnswers, Location,
    Organization, Phone, Schedule, Service, ServiceArea, ServiceAtLocation, ServiceStatus,
};
use mns_domain::directory::taxonomy::{
    CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY, term_id,
};

/// A generated directory: organisations and the services they run.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedDirectory {
    /// The organisations; every service's `organization_id` is one of theirs.
    pub organizations: Vec<Organization>,
    /// The services.
    pub services: Vec<Service>,
}

/// Generates a directory of `services` services (and about a quarter as many organisations, at
/// least 12) from `seed`, with review dates spread over the 20 months before `today`.
pub fn generate_directory(services: usize, seed: u64, today: NaiveDate) -> GeneratedDirectory {
    let mut generator = Generator::new(seed);
    let organizations = generator.organizations(services);
    let list = (0..services)
        .map(|i| generator.service(i, &organizations, today))
        .collect();
    GeneratedDirectory {
        organizations: organizations.into_iter().map(|o| o.record).collect(),
        services: list,
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// SplitMix64: small, fast and good enough for made-up data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index chosen in proportion to `weights`.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// A version 4 UUID.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            0x4000 | (a & 0x0fff),
            0x8000 | ((b >> 48) & 0x0fff),
            b & 0xffff_ffff_ffff
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Tables

/// A place: town, postcode district, latitude, longitude, local area, county, weight.
type Place = (
    &'static str,
    &'static str,
    f64,
    f64,
    &'static str,
    &'static str,
    u32,
);

const PLACES: [Place; 31] = [
    ("Norwich", "NR1", 52.625, 1.305, "Norwich", "Norfolk", 4),
    ("Norwich", "NR2", 52.631, 1.281, "Norwich", "Norfolk", 4),
    ("Norwich", "NR3", 52.645, 1.290, "Norwich", "Norfolk", 4),
    (
        "Norwich",
        "NR4",
        52.612,
        1.262,
        "South Norfolk",
        "Norfolk",
        3,
    ),
    ("Norwich", "NR5", 52.640, 1.230, "Broadland", "Norfolk", 3),
    ("Norwich", "NR6", 52.660, 1.280, "Broadland", "Norfolk", 3),
    ("Norwich", "NR7", 52.650, 1.330, "Broadland", "Norfolk", 3),
    (
        "Great Yarmouth",
        "NR30",
        52.608,
        1.730,
        "Broads",
        "Norfolk",
        3,
    ),
    ("Gorleston", "NR31", 52.575, 1.720, "Broads", "Norfolk", 2),
    (
        "King's Lynn",
        "PE30",
        52.754,
        0.398,
        "West Norfolk",
        "Norfolk",
        3,
    ),
    ("Thetford", "IP24", 52.413, 0.745, "Brecks", "Norfolk", 2),
    ("Dereham", "NR19", 52.681, 0.939, "Breckland", "Norfolk", 2),
    (
        "Wymondham",
        "NR18",
        52.570,
        1.116,
        "South Norfolk",
        "Norfolk",
        2,
    ),
    (
        "Cromer",
        "NR27",
        52.931,
        1.301,
        "North Norfolk",
        "Norfolk",
        1,
    ),
    (
        "North Walsham",
        "NR28",
        52.821,
        1.386,
        "North Norfolk",
        "Norfolk",
        1,
    ),
    (
        "Fakenham",
        "NR21",
        52.831,
        0.847,
        "North Norfolk",
        "Norfolk",
        1,
    ),
    ("Swaffham", "PE37", 52.648, 0.687, "Brecks", "Norfolk", 1),
    (
        "Diss",
        "IP22",
        52.376,
        1.108,
        "Waveney Valley",
        "Norfolk",
        1,
    ),
    (
        "Downham Market",
        "PE38",
        52.603,
        0.383,
        "Fens",
        "Norfolk",
        1,
    ),
    (
        "Attleborough",
        "NR17",
        52.518,
        1.020,
        "Breckland",
        "Norfolk",
        1,
    ),
    ("Aylsham", "NR11", 52.796, 1.254, "Broadland", "Norfolk", 1),
    (
        "Hunstanton",
        "PE36",
        52.939,
        0.490,
        "West Norfolk",
        "Norfolk",
        1,
    ),
    (
        "Sheringham",
        "NR26",
        52.943,
        1.210,
        "North Norfolk",
        "Norfolk",
        1,
    ),
    ("Holt", "NR25", 52.907, 1.091, "North Norfolk", "Norfolk", 1),
    (
        "Wells-next-the-Sea",
        "NR23",
        52.953,
        0.851,
        "North Norfolk",
        "Norfolk",
        1,
    ),
    ("Watton", "IP25", 52.571, 0.828, "Brecks", "Norfolk", 1),
    (
        "Long Stratton",
        "NR15",
        52.489,
        1.232,
        "Waveney Valley",
        "Norfolk",
        1,
    ),
    ("Stalham", "NR12", 52.773, 1.517, "Broads", "Norfolk", 1),
    // Out of area, near the border: families cross it.
    ("Ipswich", "IP1", 52.06, 1.15, "Suffolk", "Suffolk", 1),
    (
        "Cambridge",
        "CB1",
        52.20,
        0.13,
        "Cambridgeshire",
        "Cambridgeshire",
        1,
    ),
    (
        "Lowestoft",
        "NR32",
        52.48,
        1.74,
        "Waveney Valley",
        "Suffolk",
        1,
    ),
];

const NEED_CODES: [&str; 13] = [
    "autism",
    "adhd",
    "speech-language",
    "learning-difficulties",
    "specific-learning",
    "mental-health",
    "hearing",
    "vision",
    "multi-sensory",
    "physical",
    "medical",
    "sensory-processing",
    "complex",
];

/// How each need is named in a sentence, and what a service does about it.
const NEED_TEXT: [(&str, &str); 13] = [
    (
        "autism",
        "Sessions follow a predictable routine, with visual timetables and warning before any change.",
    ),
    (
        "ADHD",
        "Activities are short and active, with movement breaks and clear, simple instructions.",
    ),
    (
        "speech, language and communication needs",
        "Staff use Makaton, symbols and simple language, and give everyone time to respond.",
    ),
    (
        "learning difficulties",
        "Everything is broken into small steps, with plenty of time and one-to-one help where needed.",
    ),
    (
        "dyslexia or other specific learning difficulties",
        "Written information comes in dyslexia-friendly formats and is read aloud on request.",
    ),
    (
        "social, emotional and mental health needs",
        "A calm, welcoming space with a named worker; nobody is made to join in before they are ready.",
    ),
    (
        "hearing impairment",
        "A hearing loop is fitted and a British Sign Language interpreter can be booked.",
    ),
    (
        "vision impairment",
        "Information comes in large print and audio, and staff give a guided introduction to the space.",
    ),
    (
        "multi-sensory impairment",
        "Staff have deafblind awareness training and use touch cues and tactile signing.",
    ),
    (
        "physical disabilities",
        "The venue is step-free, with hoists and adapted equipment available.",
    ),
    (
        "medical conditions",
        "Staff are trained to give medication and follow each child's health care plan.",
    ),
    (
        "sensory processing differences",
        "Ear defenders, dimmed lights and a quiet room are there for anyone who needs a break.",
    ),
    (
        "complex needs",
        "One-to-one support is available, and we work with families, schools and health teams together.",
    ),
];

const CATEGORY_CODES: [&str; 12] = [
    "activities",
    "short-breaks",
    "education",
    "early-years",
    "health",
    "mental-health",
    "social-care",
    "family-support",
    "advice",
    "adulthood",
    "equipment",
    "transport",
];

const ACTIVITIES: usize = 0;
const SHORT_BREAKS: usize = 1;
const EDUCATION: usize = 2;
const EARLY_YEARS: usize = 3;
const HEALTH: usize = 4;
const MENTAL_HEALTH: usize = 5;
const SOCIAL_CARE: usize = 6;
const FAMILY_SUPPORT: usize = 7;
const ADVICE: usize = 8;
const ADULTHOOD: usize = 9;
const EQUIPMENT: usize = 10;
const TRANSPORT: usize = 11;

/// How common each kind of service is: clubs and activities are most of any Local Offer.
const CATEGORY_WEIGHTS: [u32; 12] = [5, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1];

const DELIVERY_CODES: [&str; 3] = ["in-person", "online", "phone"];

/// Service templates for each kind of service: (name, what it is).
const TEMPLATES: [&[(&str, &str)]; 12] = [
    // activities
    &[
        (
            "Inclusive Swimming",
            "Relaxed swimming sessions in a quieter pool, with extra staff in the water and a private changing area.",
        ),
        (
            "Sensory Play Sessions",
            "Messy play, lights and music in a calm sensory room, at each child's own pace.",
        ),
        (
            "Multi-Sports Club",
            "Football, tag rugby, boccia and games adapted so that everyone can join in.",
        ),
        (
            "Drama and Music Group",
            "Singing, drama and making music together, building confidence and friendships.",
        ),
        (
            "Climbing and Outdoor Adventures",
            "Climbing wall, canoeing and outdoor challenges led by qualified instructors.",
        ),
        (
            "Youth Club",
            "A friendly youth club with games, cooking, art and trips out, for young people with SEND.",
        ),
        (
            "Forest School",
            "Den building, campfires and nature walks in the woods, in small groups.",
        ),
        (
            "Art Club",
            "Painting, clay and craft in a relaxed setting with no pressure to finish anything.",
        ),
        (
            "Gaming and Coding Club",
            "Board games, video games and simple coding with others who share the interest.",
        ),
        (
            "Trampolining Club",
            "Trampolining sessions with coaches trained to work with disabled children.",
        ),
    ],
    // short-breaks
    &[
        (
            "Holiday Play Scheme",
            "Full days of play and trips in the school holidays, with one-to-one support where needed, giving families a break.",
        ),
        (
            "Saturday Short Breaks Club",
            "A Saturday club where disabled children and young people have fun with friends while parents and carers take a break.",
        ),
        (
            "Overnight Short Breaks",
            "Planned overnight stays in a homely setting with experienced carers.",
        ),
        (
            "Community Buddy Scheme",
            "A trained buddy helps a young person go to the clubs and activities they choose.",
        ),
    ],
    // education
    &[
        (
            "Specialist Learning Support",
            "Advice and training for schools so that pupils with SEND can learn and take part.",
        ),
        (
            "Alternative Provision",
            "Small-group teaching for pupils who cannot attend school full time, with a plan to return.",
        ),
        (
            "EHC Needs Assessment Guidance",
            "Explains the education, health and care needs assessment and helps families take part in it.",
        ),
        (
            "Dyslexia Tuition",
            "One-to-one structured literacy lessons for children with dyslexia.",
        ),
    ],
    // early-years
    &[
        (
            "Stay and Play",
            "A welcoming stay-and-play group for under-fives with SEND and their parents and carers.",
        ),
        (
            "Inclusive Nursery Places",
            "Nursery places with extra support for young children with SEND, including funded hours.",
        ),
        (
            "Portage Home Visiting",
            "Home visits that help under-fives with SEND learn through play, with a plan agreed with the family.",
        ),
        (
            "Early Talk Drop-in",
            "Drop in to talk about how your young child is communicating, and get ideas to try at home.",
        ),
    ],
    // health
    &[
        (
            "Speech and Language Therapy Clinic",
            "Assessment and therapy for children who find talking, understanding or swallowing difficult.",
        ),
        (
            "Children's Occupational Therapy",
            "Help with everyday skills such as dressing, eating, handwriting and play.",
        ),
        (
            "Children's Physiotherapy",
            "Assessment and exercise programmes for children with movement difficulties.",
        ),
        (
            "Continence Advice Clinic",
            "Practical support with toileting, bedwetting and continence products.",
        ),
        (
            "Epilepsy Nurse Clinic",
            "Specialist nurses who support children with epilepsy, their families and schools.",
        ),
    ],
    // mental-health
    &[
        (
            "Wellbeing Drop-in",
            "Drop in to talk with a wellbeing practitioner about worries, low mood or stress.",
        ),
        (
            "Counselling for Young People",
            "Free, confidential counselling sessions for children and young people.",
        ),
        (
            "Anxiety Support Group",
            "A small group where young people learn ways to manage anxiety, together.",
        ),
        (
            "Parent Wellbeing Sessions",
            "Sessions for parents and carers on looking after their own wellbeing and their child's.",
        ),
    ],
    // social-care
    &[
        (
            "Disabled Children's Assessments",
            "An assessment of what a disabled child and their family need, and a plan to meet it.",
        ),
        (
            "Support at Home",
            "Care workers who help with personal care and routines at home.",
        ),
        (
            "Direct Payments Advice",
            "Help to use direct payments to arrange your own care and short breaks.",
        ),
    ],
    // family-support
    &[
        (
            "Parent Carer Coffee Morning",
            "A relaxed coffee morning to meet other parents and carers of children with SEND.",
        ),
        (
            "Understanding Autism Course for Parents",
            "A six-week course for parents and carers on autism, communication and behaviour.",
        ),
        (
            "Sibling Support Group",
            "Fun sessions and a chance to talk for brothers and sisters of disabled children.",
        ),
        (
            "Parent Carer Support Line",
            "Someone to listen and signpost, for parents and carers who need to talk.",
        ),
        (
            "Sleep Support Workshops",
            "Practical workshops on sleep routines for children with additional needs.",
        ),
    ],
    // advice
    &[
        (
            "SEND Information and Advice Line",
            "Free, impartial, confidential advice on SEND, school support and EHC plans.",
        ),
        (
            "EHC Plan Advice Sessions",
            "One-to-one appointments to go through an EHC plan, an annual review or an appeal.",
        ),
        (
            "Benefits and DLA Advice",
            "Help claiming Disability Living Allowance, Carer's Allowance and other benefits.",
        ),
    ],
    // adulthood
    &[
        (
            "Supported Internships",
            "A year-long work placement with a job coach, for young people with an EHC plan.",
        ),
        (
            "Independent Living Skills",
            "Cooking, budgeting, travel and looking after a home, learned step by step.",
        ),
        (
            "Moving to Adult Services Clinic",
            "Helps young people and families plan the move from children's to adult services.",
        ),
    ],
    // equipment
    &[
        (
            "Equipment Loan Library",
            "Borrow sensory toys, communication aids and specialist equipment before you buy.",
        ),
        (
            "Home Adaptations Advice",
            "Advice on ramps, hoists and other changes to the home, and how to apply for a grant.",
        ),
        (
            "Wheelchair and Seating Service",
            "Assessment for wheelchairs and specialist seating, with repairs and reviews.",
        ),
    ],
    // transport
    &[
        (
            "Travel Training",
            "Trainers who help young people learn to travel on their own by bus, train or bike.",
        ),
        (
            "Community Minibus",
            "Door-to-door accessible minibus trips to clubs, activities and appointments.",
        ),
        (
            "School Travel Assistance Advice",
            "Advice on help with travel to school or college for children with SEND.",
        ),
    ],
];

/// Age ranges services are for.
const AGE_RANGES: [(u8, u8); 9] = [
    (0, 5),
    (4, 11),
    (5, 16),
    (8, 18),
    (11, 18),
    (14, 25),
    (16, 25),
    (0, 25),
    (2, 19),
];

/// The fixed teams: (name, description, focus categories, funder, public sector).
type FixedOrg = (&'static str, &'static str, &'static [usize], &'static str);

const COUNCIL: &str = "Norfolk County Council";
const NHS: &str = "NHS Norfolk and Waveney";

const FIXED_ORGS: [FixedOrg; 9] = [
    (
        "Norfolk County Council Short Breaks Team",
        "Arranges short breaks for disabled children and young people, giving them new experiences and their families a rest.",
        &[SHORT_BREAKS],
        COUNCIL,
    ),
    (
        "Children with Disabilities Team",
        "Norfolk County Council's social work team for children and young people with severe and complex disabilities.",
        &[SOCIAL_CARE, SHORT_BREAKS],
        COUNCIL,
    ),
    (
        "Norfolk SENDIASS",
        "The SEND Information, Advice and Support Service: free, impartial and confidential advice for families and young people.",
        &[ADVICE],
        COUNCIL,
    ),
    (
        "Educational Psychology and Specialist Support",
        "Educational psychologists and specialist teachers who support schools, settings and families.",
        &[EDUCATION, EARLY_YEARS],
        COUNCIL,
    ),
    (
        "Norfolk Community Health and Care – Speech and Language Therapy",
        "NHS speech and language therapists for children and young people across Norfolk.",
        &[HEALTH],
        NHS,
    ),
    (
        "Norfolk Community Health and Care – Occupational Therapy",
        "NHS occupational therapists who help children with everyday skills, equipment and adaptations.",
        &[HEALTH, EQUIPMENT],
        NHS,
    ),
    (
        "Point 1 Emotional Wellbeing",
        "Emotional wellbeing and early mental health support for children and young people, commissioned by the NHS.",
        &[MENTAL_HEALTH],
        NHS,
    ),
    (
        "Norfolk County Council Preparing for Adulthood Team",
        "Helps young people with SEND plan for work, independent living, friendships and good health.",
        &[ADULTHOOD],
        COUNCIL,
    ),
    (
        "Norfolk County Council Travel Independence Team",
        "Travel training and advice on help with travel to school and college.",
        &[TRANSPORT],
        COUNCIL,
    ),
];

/// Themes for local charities and clubs: (name, what they do, focus category).
const THEMES: [(&str, &str, usize); 16] = [
    (
        "Inclusive Sports",
        "A community sports club where disabled children and young people play, train and compete.",
        ACTIVITIES,
    ),
    (
        "Autism Family Group",
        "A parent-led group for families of autistic children: coffee mornings, workshops and a friendly ear.",
        FAMILY_SUPPORT,
    ),
    (
        "Little Explorers Nursery",
        "An inclusive nursery and pre-school welcoming children with SEND.",
        EARLY_YEARS,
    ),
    (
        "Equipment Library",
        "A charity lending specialist equipment and sensory resources to families.",
        EQUIPMENT,
    ),
    (
        "Sensory Club",
        "Sensory play and social clubs for children who find busy places hard.",
        ACTIVITIES,
    ),
    (
        "Community Transport",
        "Volunteer-run accessible transport for people who cannot use buses easily.",
        TRANSPORT,
    ),
    (
        "Young People's Independence Project",
        "Supports young people with SEND into training, work and living more independently.",
        ADULTHOOD,
    ),
    (
        "Play and Short Breaks",
        "Play schemes and short breaks for disabled children, with trained staff and volunteers.",
        SHORT_BREAKS,
    ),
    (
        "Youth Theatre",
        "An inclusive youth theatre where everyone gets a part.",
        ACTIVITIES,
    ),
    (
        "Parent Carer Network",
        "A network run by and for parent carers, offering peer support and a voice to services.",
        FAMILY_SUPPORT,
    ),
    (
        "Wellbeing Hub",
        "A community wellbeing hub for young people, with drop-ins and group sessions.",
        MENTAL_HEALTH,
    ),
    (
        "Adventure Club",
        "Outdoor adventure for children and young people of all abilities.",
        ACTIVITIES,
    ),
    (
        "ADHD Support Group",
        "Peer support and talks for families living with ADHD.",
        FAMILY_SUPPORT,
    ),
    (
        "Swimming Club",
        "Swimming lessons and fun sessions for disabled children.",
        ACTIVITIES,
    ),
    (
        "Arts Collective",
        "Art, music and dance projects for children and young people with SEND.",
        ACTIVITIES,
    ),
    (
        "Learning Centre",
        "Tuition, homework clubs and learning support for children with SEND.",
        EDUCATION,
    ),
];

const CHARITY_FUNDERS: [&str; 6] = [
    "Norfolk County Council short breaks grant",
    "The National Lottery Community Fund",
    "BBC Children in Need",
    "Norfolk Community Foundation",
    "Parents' fundraising",
    "Local business sponsorship",
];

const FIRST_NAMES: [&str; 24] = [
    "Sam", "Priya", "Tom", "Aisha", "Kerry", "James", "Zofia", "Ben", "Hannah", "Marek", "Lucy",
    "Daniel", "Chloe", "Rui", "Emma", "Oliver", "Grace", "Tariq", "Ruth", "Lewis", "Joanna",
    "Gintare", "Nathan", "Megan",
];

const LAST_NAMES: [&str; 24] = [
    "Reed",
    "Patel",
    "Howes",
    "Khan",
    "Bishop",
    "Carter",
    "Nowak",
    "Edwards",
    "Gray",
    "Kowalski",
    "Mason",
    "Brooks",
    "Fisher",
    "Santos",
    "Tooley",
    "Webb",
    "Bacon",
    "Hussain",
    "Laws",
    "Pegg",
    "Morris",
    "Petrauskas",
    "Dawson",
    "Wright",
];

const VENUES: [&str; 12] = [
    "Community Centre",
    "Library",
    "Leisure Centre",
    "Family Hub",
    "Village Hall",
    "Scout Hut",
    "Children's Centre",
    "Health Centre",
    "High School",
    "Youth Centre",
    "Methodist Church Hall",
    "Sports Centre",
];

const STREETS: [&str; 14] = [
    "Church Lane",
    "Station Road",
    "High Street",
    "Market Place",
    "Mill Road",
    "Norwich Road",
    "London Road",
    "School Lane",
    "Victoria Road",
    "The Green",
    "Oak Avenue",
    "Queen's Road",
    "Manor Road",
    "Chapel Street",
];

const ACCESS_FEATURES: [(&str, f64, Option<&str>); 6] = [
    (
        "Step-free access",
        0.75,
        Some("Level entrance with automatic doors."),
    ),
    ("Accessible toilet", 0.65, None),
    (
        "Hearing loop",
        0.35,
        Some("In the main hall and at reception."),
    ),
    (
        "Quiet room",
        0.4,
        Some("A calm space for anyone who needs a break."),
    ),
    (
        "Changing Places toilet",
        0.12,
        Some("With a hoist and adult-sized changing bench."),
    ),
    ("Parking", 0.55, Some("Blue badge spaces by the entrance.")),
];

/// Other languages: (name, ISO 639 code, how often offered).
const LANGUAGES: [(&str, &str, f64); 4] = [
    ("British Sign Language", "bfi", 0.10),
    ("Polish", "pl", 0.06),
    ("Portuguese", "pt", 0.05),
    ("Lithuanian", "lt", 0.04),
];

const ALERTS: [&str; 5] = [
    "No sessions over the Easter holidays.",
    "New sessions start in September; the waiting list is open.",
    "Our venue is closed for repairs: sessions have moved to the library for now.",
    "Bookings for the summer holidays open on 1 June.",
    "Phone lines are busy on Mondays; email us for a faster reply.",
];

/// Letters used in the inward part of UK postcodes.
const POSTCODE_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// When a service runs, by pattern.
#[derive(Clone, Copy)]
enum Pattern {
    AfterSchool,
    Saturday,
    Sunday,
    Holiday,
    Office,
    Morning,
    Evening,
}

// ---------------------------------------------------------------------------------------------
// The generator

struct Org {
    record: Organization,
    focus: Vec<usize>,
    home: usize,
    funder: Option<&'static str>,
    public: bool,
}

struct Generator {
    rng: SplitMix64,
    ids: SplitMix64,
    needs: Vec<String>,
    categories: Vec<String>,
    delivery: Vec<String>,
    place_weights: Vec<u32>,
    /// The organisations whose focus is each kind of service.
    by_category: Vec<Vec<usize>>,
}

fn term_ids(taxonomy: &str, codes: &[&str]) -> Vec<String> {
    codes
        .iter()
        .map(|code| term_id(taxonomy, code).expect("built-in term"))
        .collect()
}

fn time(hour: u32, minute: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// Lower-case letters and digits joined by hyphens, for email addresses and web paths.
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !matches!(c, '\'' | '’')) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn join_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn money(amount: f64) -> String {
    format!("£{amount:.2}")
}

impl Generator {
    fn new(seed: u64) -> Generator {
        Generator {
            rng: SplitMix64(seed),
            ids: SplitMix64(seed ^ 0x5EED_1D5E_ED1D_5EED),
            needs: term_ids(NEEDS_TAXONOMY, &NEED_CODES),
            categories: term_ids(CATEGORY_TAXONOMY, &CATEGORY_CODES),
            delivery: term_ids(DELIVERY_TAXONOMY, &DELIVERY_CODES),
            place_weights: PLACES.iter().map(|p| p.6).collect(),
            by_category: vec![Vec::new(); CATEGORY_CODES.len()],
        }
    }

    fn place(&mut self) -> usize {
        self.rng.weighted(&self.place_weights)
    }

    fn phone_number(&mut self) -> String {
        format!("01632 960{:03}", self.rng.below(1000))
    }

    fn organizations(&mut self, services: usize) -> Vec<Org> {
        let total = (services / 4).max(12).max(FIXED_ORGS.len() + 4);
        let mut orgs = Vec::with_capacity(total);
        for (name, description, focus, funder) in FIXED_ORGS {
            let s = slug(name);
            orgs.push(Org {
                record: Organization {
                    id: self.ids.uuid(),
                    name: name.into(),
                    description: description.into(),
                    email: Some(format!("{s}@example.org")),
                    website: Some(format!("https://example.org/{s}")),
                    logo: None,
                    uri: None,
                    parent_organization_id: None,
                },
                focus: focus.to_vec(),
                home: self.place(),
                funder: Some(funder),
                public: true,
            });
        }
        let mut names = std::collections::HashSet::new();
        let mut n = 0;
        while orgs.len() < total {
            let theme = if n < THEMES.len() {
                n
            } else {
                self.rng.below(THEMES.len())
            };
            n += 1;
            let (theme_name, theme_description, focus) = THEMES[theme];
            let home = self.place();
            let (town, _, _, _, area, _, _) = PLACES[home];
            let prefix = if self.rng.chance(0.5) { area } else { town };
            let mut name = format!("{prefix} {theme_name}");
            if !names.insert(name.clone()) {
                name = format!("{town} and District {theme_name}");
                if !names.insert(name.clone()) {
                    name = format!("{prefix} {theme_name} {}", names.len() + 1);
                    names.insert(name.clone());
                }
            }
            let s = slug(&name);
            let registered = self.rng.chance(0.6);
            let charity_number = 1_000_000 + self.rng.below(200_000);
            orgs.push(Org {
                record: Organization {
                    id: self.ids.uuid(),
                    description: format!("{theme_description} Based in {town}."),
                    email: Some(format!("hello@{s}.example.org")),
                    website: Some(format!("https://example.org/{s}")),
                    logo: None,
                    uri: registered
                        .then(|| format!("https://example.org/charity-register/{charity_number}")),
                    parent_organization_id: None,
                    name,
                },
                focus: vec![focus],
                home,
                funder: None,
                public: false,
            });
        }
        for (i, org) in orgs.iter().enumerate() {
            for category in &org.focus {
                self.by_category[*category].push(i);
            }
        }
        orgs
    }

    fn service(&mut self, index: usize, orgs: &[Org], today: NaiveDate) -> Service {
        let rng = &mut self.rng;

        // What it is and who runs it.
        let category = if index < CATEGORY_CODES.len() {
            index
        } else {
            rng.weighted(&CATEGORY_WEIGHTS)
        };
        let matching = &self.by_category[category];
        let org_index = if matching.is_empty() || rng.chance(0.1) {
            rng.below(orgs.len())
        } else {
            *rng.pick(matching)
        };
        let org = &orgs[org_index];
        let mut categories = vec![category];
        if rng.chance(0.3) {
            let second = rng.weighted(&CATEGORY_WEIGHTS);
            if second != category {
                categories.push(second);
            }
        }

        // Needs: autism is the most common need in any Local Offer.
        let first_need = if index < NEED_CODES.len() {
            index
        } else if rng.chance(0.4) {
            0
        } else {
            rng.below(NEED_CODES.len())
        };
        let mut needs = vec![first_need];
        for p in [0.5, 0.25] {
            if rng.chance(p) {
                let extra = rng.below(NEED_CODES.len());
                if !needs.contains(&extra) {
                    needs.push(extra);
                }
            }
        }

        // How it is delivered: mostly in person.
        let remote_kinds = matches!(
            category,
            ADVICE | FAMILY_SUPPORT | MENTAL_HEALTH | EDUCATION | ADULTHOOD
        );
        let mut delivery = Vec::new();
        let in_person = match index {
            1 => false,
            2 => false,
            _ => !rng.chance(if remote_kinds { 0.25 } else { 0.06 }),
        };
        if in_person {
            delivery.push(0);
            if rng.chance(0.2) {
                delivery.push(1 + rng.below(2));
            }
        } else {
            match index {
                1 => delivery.push(1),
                2 => delivery.push(2),
                _ => match rng.below(3) {
                    0 => delivery.push(1),
                    1 => delivery.push(2),
                    _ => delivery.extend([1, 2]),
                },
            }
        }

        // Ages.
        let (min_age, max_age) = match category {
            EARLY_YEARS => (0, 5),
            ADULTHOOD => *rng.pick(&[(14, 25), (16, 25)]),
            ACTIVITIES => *rng.pick(&[(4, 11), (5, 16), (8, 18), (11, 18), (2, 19), (5, 16)]),
            _ => *rng.pick(&AGE_RANGES),
        };

        // Where.
        let home = if org.public || rng.chance(0.1) {
            self.place()
        } else {
            org.home
        };
        let rng = &mut self.rng;
        let town = PLACES[home].0;
        let (template_name, template_description) = *rng.pick(TEMPLATES[category]);
        let name = if org.public {
            if in_person {
                format!("{template_name} – {town}")
            } else {
                template_name.to_string()
            }
        } else if in_person && rng.chance(0.5) {
            format!("{town} {template_name}")
        } else {
            format!("{} {template_name}", org.record.name)
        };
        let need_names: Vec<&str> = needs.iter().map(|n| NEED_TEXT[*n].0).collect();
        let extra = match rng.below(4) {
            0 => format!(
                "Especially welcoming to children and young people with {}.",
                join_words(&need_names)
            ),
            1 => format!("Run by {}.", org.record.name),
            2 if in_person => format!("Held in {town}; families from nearby villages are welcome."),
            _ => "Brothers and sisters are welcome too.".to_string(),
        };
        let description = format!("{template_description} {extra} {}", NEED_TEXT[first_need].1);

        // Cost: health, advice and council services are free; clubs often charge a little.
        let free = matches!(
            category,
            HEALTH | MENTAL_HEALTH | SOCIAL_CARE | ADVICE | EDUCATION
        ) || (org.public && category != SHORT_BREAKS)
            || rng.chance(if category == FAMILY_SUPPORT {
                0.7
            } else {
                0.35
            });
        let amount = if free {
            0.0
        } else {
            *rng.pick(&[3.5, 5.0, 12.0, 2.0, 4.0, 7.5])
        };

        // Schedule.
        let patterns: &[(Pattern, u32)] = match category {
            ACTIVITIES => &[
                (Pattern::AfterSchool, 35),
                (Pattern::Saturday, 30),
                (Pattern::Sunday, 15),
                (Pattern::Holiday, 20),
            ],
            SHORT_BREAKS => &[
                (Pattern::Holiday, 45),
                (Pattern::Saturday, 30),
                (Pattern::Sunday, 15),
                (Pattern::AfterSchool, 10),
            ],
            FAMILY_SUPPORT => &[
                (Pattern::Morning, 35),
                (Pattern::Evening, 30),
                (Pattern::Office, 20),
                (Pattern::Saturday, 15),
            ],
            EARLY_YEARS => &[(Pattern::Morning, 60), (Pattern::Office, 40)],
            ADULTHOOD => &[
                (Pattern::Office, 60),
                (Pattern::Evening, 20),
                (Pattern::AfterSchool, 20),
            ],
            _ => &[
                (Pattern::Office, 80),
                (Pattern::Morning, 10),
                (Pattern::AfterSchool, 10),
            ],
        };
        let weights: Vec<u32> = patterns.iter().map(|p| p.1).collect();
        let pattern = patterns[rng.weighted(&weights)].0;
        let mut schedules = vec![self.schedule(pattern)];
        if matches!(pattern, Pattern::AfterSchool | Pattern::Saturday) && self.rng.chance(0.25) {
            schedules.push(self.schedule(Pattern::Holiday));
        }
        let rng = &mut self.rng;

        // Contact.
        let first = *rng.pick(&FIRST_NAMES);
        let last = *rng.pick(&LAST_NAMES);
        let contact_name = format!("{first} {last}");
        let title = match category {
            ACTIVITIES | SHORT_BREAKS => "Club leader",
            HEALTH => "Clinical lead",
            MENTAL_HEALTH => "Wellbeing practitioner",
            SOCIAL_CARE => "Team manager",
            FAMILY_SUPPORT => "Family support worker",
            ADVICE => "Information officer",
            EARLY_YEARS => "Early years practitioner",
            EDUCATION => "Specialist teacher",
            _ => "Service coordinator",
        };
        let contact_email = format!("{}.{}@example.org", slug(first), slug(last));
        let phone = self.phone_number();
        let rng = &mut self.rng;

        // Reviews: most entries were checked within the year, the rest up to 20 months ago.
        let days_ago = if rng.chance(0.7) {
            rng.below(366) as u64
        } else {
            366 + rng.below(243) as u64
        };
        let last_reviewed = today.checked_sub_days(Days::new(days_ago)).unwrap_or(today);
        let last_modified = last_reviewed
            .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
            .and_utc();

        // Status and alerts.
        let roll = rng.unit();
        let (status, alert) = if roll < 0.03 {
            (
                ServiceStatus::TemporarilyClosed,
                Some(
                    "Temporarily closed while we recruit new staff; we hope to reopen soon.".into(),
                ),
            )
        } else if roll < 0.05 {
            (ServiceStatus::Inactive, None)
        } else if rng.chance(0.06) {
            (
                ServiceStatus::Active,
                Some((*rng.pick(&ALERTS)).to_string()),
            )
        } else {
            (ServiceStatus::Active, None)
        };

        let funder = org.funder.unwrap_or_else(|| *rng.pick(&CHARITY_FUNDERS));
        let mut funders = vec![funder];
        if org.funder.is_none() && rng.chance(0.3) {
            let other = *rng.pick(&CHARITY_FUNDERS);
            if other != funder {
                funders.push(other);
            }
        }

        // The Local Offer answers.
        let local_offer = rng
            .chance(if org.public { 0.8 } else { 0.42 })
            .then(|| {
                let how_to_access = match category {
                    HEALTH | MENTAL_HEALTH | SOCIAL_CARE | EDUCATION => format!(
                        "Ask your GP, health visitor or your child's school SENCo to refer you, or call {first} to talk it through first."
                    ),
                    SHORT_BREAKS => "Families can ask for a place themselves; overnight breaks need an assessment by the Children with Disabilities Team first.".to_string(),
                    _ if in_person && rng.chance(0.3) => {
                        "Just come along: there is no need to book and no referral is needed.".to_string()
                    }
                    _ => format!(
                        "No referral needed: phone or email {first} to book a place."
                    ),
                };
                let funding = if free {
                    format!("Free to families. Paid for by {}.", join_words(&funders))
                } else {
                    format!(
                        "{} per session. Part-funded by {}; ask us about help with costs.",
                        money(amount),
                        join_words(&funders)
                    )
                };
                LocalOfferAnswers {
                    who_for: format!(
                        "Children and young people aged {min_age} to {max_age} with {}, and their families.",
                        join_words(&need_names)
                    ),
                    how_to_access,
                    send_support: format!(
                        "{} All our staff have SEND training, and we agree with each family how best to support their child.",
                        NEED_TEXT[first_need].1
                    ),
                    funding,
                    contact: format!("{contact_name}, {title}, on {phone} or {contact_email}."),
                }
            });

        // Languages.
        let mut languages = vec![Language {
            id: self.ids.uuid(),
            name: "English".into(),
            code: Some("en".into()),
        }];
        for (language, code, p) in LANGUAGES {
            if self.rng.chance(p) {
                languages.push(Language {
                    id: self.ids.uuid(),
                    name: language.into(),
                    code: Some(code.into()),
                });
            }
        }

        let area_name = if org.public || !in_person {
            "Norfolk"
        } else {
            town
        };
        let locations = if in_person {
            vec![self.location(home)]
        } else {
            Vec::new()
        };
        let rng = &mut self.rng;
        let service_slug = slug(&name);
        let email = rng
            .chance(0.6)
            .then(|| format!("{}@example.org", slug(template_name)));
        let accreditations = match category {
            EARLY_YEARS | SHORT_BREAKS if rng.chance(0.5) => {
                Some((*rng.pick(&["Ofsted: Good", "Ofsted: Outstanding"])).to_string())
            }
            _ => None,
        };

        let mut terms: Vec<String> = needs.iter().map(|n| self.needs[*n].clone()).collect();
        terms.extend(categories.iter().map(|c| self.categories[*c].clone()));
        terms.extend(delivery.iter().map(|d| self.delivery[*d].clone()));

        let ids = &mut self.ids;
        Service {
            id: ids.uuid(),
            organization_id: org.record.id.clone(),
            url: Some(format!(
                "https://example.org/{}/{service_slug}",
                slug(&org.record.name)
            )),
            name,
            description,
            email,
            status,
            fees_description: (!free)
                .then(|| format!("{} per session; ask about help with costs.", money(amount))),
            accreditations,
            minimum_age: Some(min_age),
            maximum_age: Some(max_age),
            alert,
            last_reviewed,
            last_modified,
            local_offer,
            terms,
            contacts: vec![Contact {
                id: ids.uuid(),
                name: contact_name,
                title: Some(title.into()),
                email: Some(contact_email),
                phone: Some(phone.clone()),
            }],
            phones: vec![Phone {
                id: ids.uuid(),
                number: phone,
                description: Some("Enquiries and bookings".into()),
            }],
            schedules,
            cost_options: vec![CostOption {
                id: ids.uuid(),
                option: Some(if free { "Free" } else { "per session" }.into()),
                amount: Some(amount),
                amount_description: Some(if free {
                    "Free".to_string()
                } else {
                    format!("{} per session", money(amount))
                }),
            }],
            languages,
            service_areas: vec![ServiceArea {
                id: ids.uuid(),
                name: area_name.into(),
                description: None,
            }],
            funding: funders
                .into_iter()
                .map(|source| Funding {
                    id: ids.uuid(),
                    source: source.into(),
                })
                .collect(),
            locations: locations
                .into_iter()
                .map(|location| ServiceAtLocation {
                    id: ids.uuid(),
                    location,
                })
                .collect(),
        }
    }

    fn schedule(&mut self, pattern: Pattern) -> Schedule {
        use Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
        const WEEKDAYS: [Weekday; 5] = [Mon, Tue, Wed, Thu, Fri];
        let rng = &mut self.rng;
        let (days, opens, closes, description) = match pattern {
            Pattern::AfterSchool => {
                let count = 1 + rng.below(3);
                let mut days: Vec<Weekday> = Vec::new();
                while days.len() < count {
                    let d = *rng.pick(&WEEKDAYS);
                    if !days.contains(&d) {
                        days.push(d);
                    }
                }
                days.sort_by_key(|d| d.num_days_from_monday());
                (
                    days,
                    time(15, 30),
                    time(17, 30),
                    "After school, term time only",
                )
            }
            Pattern::Saturday => (vec![Sat], time(10, 0), time(12, 0), "Saturday mornings"),
            Pattern::Sunday => (
                vec![Sun],
                time(14, 0),
                time(16, 0),
                "Sunday afternoons, twice a month",
            ),
            Pattern::Holiday => (
                WEEKDAYS.to_vec(),
                time(9, 30),
                time(15, 0),
                "School holidays only",
            ),
            Pattern::Office => (
                WEEKDAYS.to_vec(),
                time(9, 0),
                time(17, 0),
                "Office hours; closed on bank holidays",
            ),
            Pattern::Morning => (
                vec![*rng.pick(&WEEKDAYS)],
                time(10, 0),
                time(12, 0),
                "Weekly, term time only",
            ),
            Pattern::Evening => (
                vec![*rng.pick(&WEEKDAYS)],
                time(19, 0),
                time(21, 0),
                "Evenings, fortnightly",
            ),
        };
        Schedule {
            id: self.ids.uuid(),
            days,
            opens_at: opens,
            closes_at: closes,
            description: Some(description.into()),
        }
    }

    fn location(&mut self, place: usize) -> Location {
        let (town, district, lat, lon, _, region, _) = PLACES[place];
        let rng = &mut self.rng;
        // Within about 2 km of the district's centre, spread evenly over a disc.
        let r = 1_900.0 * rng.unit().sqrt();
        let theta = std::f64::consts::TAU * rng.unit();
        let latitude = lat + r * theta.cos() / 111_195.0;
        let longitude = lon + r * theta.sin() / (111_195.0 * lat.to_radians().cos());
        let venue = *rng.pick(&VENUES);
        let street = *rng.pick(&STREETS);
        let number = 1 + rng.below(120);
        let letter = |rng: &mut SplitMix64| char::from(*rng.pick(POSTCODE_LETTERS));
        let postcode = format!(
            "{district} {}{}{}",
            1 + rng.below(9),
            letter(rng),
            letter(rng)
        );
        let description = rng.chance(0.3).then(|| {
            (*rng.pick(&[
                "The entrance is round the side of the building.",
                "On the bus route; the nearest stop is a two-minute walk.",
                "Use the side gate on weekday afternoons.",
                "Free parking behind the building.",
            ]))
            .to_string()
        });
        let mut features = Vec::new();
        for (feature, p, details) in ACCESS_FEATURES {
            if rng.chance(p) {
                features.push((feature, details.filter(|_| rng.chance(0.5))));
            }
        }
        let accessibility = features
            .into_iter()
            .map(|(feature, details)| Accessibility {
                id: self.ids.uuid(),
                description: feature.into(),
                details: details.map(Into::into),
            })
            .collect();
        Location {
            id: self.ids.uuid(),
            name: format!("{town} {venue}"),
            description,
            latitude,
            longitude,
            address: Address {
                id: self.ids.uuid(),
                address_1: format!("{number} {street}"),
                address_2: None,
                city: town.into(),
                region: Some(region.into()),
                postal_code: postcode,
            },
            accessibility,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mns_domain::directory::search::Point;
    use mns_domain::directory::taxonomy::builtin_terms;
    use mns_domain::directory::{check_service, is_uuid, review_overdue};
    use std::collections::{BTreeMap, HashSet};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    }

    fn all_ids(directory: &GeneratedDirectory) -> Vec<String> {
        let mut ids: Vec<String> = directory
            .organizations
            .iter()
            .map(|o| o.id.clone())
            .collect();
        for s in &directory.services {
            ids.push(s.id.clone());
            ids.extend(s.contacts.iter().map(|x| x.id.clone()));
            ids.extend(s.phones.iter().map(|x| x.id.clone()));
            ids.extend(s.schedules.iter().map(|x| x.id.clone()));
            ids.extend(s.cost_options.iter().map(|x| x.id.clone()));
            ids.extend(s.languages.iter().map(|x| x.id.clone()));
            ids.extend(s.service_areas.iter().map(|x| x.id.clone()));
            ids.extend(s.funding.iter().map(|x| x.id.clone()));
            for l in &s.locations {
                ids.push(l.id.clone());
                ids.push(l.location.id.clone());
                ids.push(l.location.address.id.clone());
                ids.extend(l.location.accessibility.iter().map(|x| x.id.clone()));
            }
        }
        ids
    }

    #[test]
    fn the_same_seed_gives_the_same_directory() {
        let a = generate_directory(200, 7, today());
        let b = generate_directory(200, 7, today());
        assert_eq!(a, b);
        let c = generate_directory(200, 8, today());
        assert_ne!(a.services[0].id, c.services[0].id);
    }

    #[test]
    fn two_thousand_services_are_all_valid() {
        let directory = generate_directory(2_000, 42, today());
        assert_eq!(directory.services.len(), 2_000);
        assert!(directory.organizations.len() >= 12);
        let org_ids: HashSet<&str> = directory
            .organizations
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        for s in &directory.services {
            assert_eq!(check_service(s), vec![], "{}", s.name);
            assert!(org_ids.contains(s.organization_id.as_str()));
            assert_eq!(s.last_modified.date_naive(), s.last_reviewed);
            assert!(s.last_reviewed <= today());
            for p in &s.phones {
                assert!(p.number.starts_with("01632 960"), "{}", p.number);
            }
            let online_only = s.locations.is_empty();
            let in_person = term_id(DELIVERY_TAXONOMY, "in-person").expect("term");
            assert_eq!(online_only, !s.terms.contains(&in_person), "{}", s.name);
        }
        let ids = all_ids(&directory);
        for id in &ids {
            assert!(is_uuid(id), "{id}");
        }
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn three_hundred_services_cover_the_whole_vocabulary() {
        for seed in [1, 42, 2026] {
            let directory = generate_directory(300, seed, today());
            let services = &directory.services;
            let terms: HashSet<&String> = services.iter().flat_map(|s| &s.terms).collect();
            for term in builtin_terms() {
                assert!(terms.contains(&term.id), "seed {seed}: {}", term.code);
            }
            let mask = services.iter().fold(0, |m, s| m | s.day_mask());
            assert_eq!(mask, 0b111_1111, "seed {seed}");
            assert!(services.iter().any(|s| s.is_free()));
            assert!(services.iter().any(|s| !s.is_free()));
            assert!(services.iter().any(|s| s.in_local_offer()));
            assert!(services.iter().any(|s| !s.in_local_offer()));
            for age in 0..=25u8 {
                assert!(
                    services
                        .iter()
                        .any(|s| s.minimum_age <= Some(age)
                            && s.maximum_age.is_some_and(|m| age <= m)),
                    "seed {seed}: age {age}"
                );
            }
            let towns: HashSet<&str> = services
                .iter()
                .flat_map(|s| &s.locations)
                .map(|l| l.location.address.city.as_str())
                .collect();
            assert!(towns.len() >= 20, "seed {seed}: {} towns", towns.len());
            let overdue = services
                .iter()
                .filter(|s| review_overdue(s.last_reviewed, today(), 12))
                .count();
            assert!((45..=120).contains(&overdue), "seed {seed}: {overdue}");
        }
    }

    #[test]
    fn an_autistic_nine_year_old_near_nr2_finds_activities() {
        let activities = term_id(CATEGORY_TAXONOMY, "activities").expect("term");
        let autism = term_id(NEEDS_TAXONOMY, "autism").expect("term");
        let here = Point {
            latitude: 52.631,
            longitude: 1.281,
        };
        for seed in [1, 42, 2026] {
            let directory = generate_directory(300, seed, today());
            let found = directory
                .services
                .iter()
                .filter(|s| {
                    s.status == ServiceStatus::Active
                        && s.terms.contains(&activities)
                        && s.terms.contains(&autism)
                        && s.minimum_age.is_some_and(|a| a <= 9)
                        && s.maximum_age.is_some_and(|a| 9 <= a)
                        && s.locations.iter().any(|l| {
                            here.distance_metres(Point {
                                latitude: l.location.latitude,
                                longitude: l.location.longitude,
                            }) <= 8_000.0
                        })
                })
                .count();
            eprintln!("seed {seed}: {found} services for a 9-year-old autistic child near NR2");
            assert!(found >= 3, "seed {seed}: found {found}");
        }
    }

    #[test]
    fn locations_are_near_their_town() {
        let directory = generate_directory(1_000, 3, today());
        for l in directory.services.iter().flat_map(|s| &s.locations) {
            let place = PLACES
                .iter()
                .find(|p| {
                    l.location
                        .address
                        .postal_code
                        .starts_with(&format!("{} ", p.1))
                })
                .expect("known district");
            let centre = Point {
                latitude: place.2,
                longitude: place.3,
            };
            let at = Point {
                latitude: l.location.latitude,
                longitude: l.location.longitude,
            };
            assert!(centre.distance_metres(at) <= 2_000.0);
        }
    }

    #[test]
    fn distributions_of_three_hundred_services() {
        let directory = generate_directory(300, 42, today());
        let services = &directory.services;
        let names: BTreeMap<String, String> = builtin_terms()
            .into_iter()
            .map(|t| (t.id, t.code))
            .collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for s in services {
            for t in &s.terms {
                *counts.entry(names[t].as_str()).or_default() += 1;
            }
        }
        let count = |f: &dyn Fn(&Service) -> bool| services.iter().filter(|s| f(s)).count();
        eprintln!("organisations: {}", directory.organizations.len());
        eprintln!("terms: {counts:?}");
        eprintln!("free: {}", count(&|s| s.is_free()));
        eprintln!("local offer: {}", count(&|s| s.in_local_offer()));
        eprintln!("no location: {}", count(&|s| s.locations.is_empty()));
        eprintln!(
            "overdue (12 months): {}",
            count(&|s| review_overdue(s.last_reviewed, today(), 12))
        );
        eprintln!(
            "temporarily closed: {}, inactive: {}, alerts: {}",
            count(&|s| s.status == ServiceStatus::TemporarilyClosed),
            count(&|s| s.status == ServiceStatus::Inactive),
            count(&|s| s.alert.is_some())
        );
        let mut days = [0usize; 7];
        for s in services {
            for (i, day) in days.iter_mut().enumerate() {
                if s.day_mask() & (1 << i) != 0 {
                    *day += 1;
                }
            }
        }
        eprintln!("days Mon..Sun: {days:?}");
        let mut towns: BTreeMap<&str, usize> = BTreeMap::new();
        for l in services.iter().flat_map(|s| &s.locations) {
            *towns.entry(l.location.address.city.as_str()).or_default() += 1;
        }
        eprintln!("towns ({}): {towns:?}", towns.len());
        let mut languages: BTreeMap<&str, usize> = BTreeMap::new();
        for l in services.iter().flat_map(|s| &s.languages) {
            *languages.entry(l.name.as_str()).or_default() += 1;
        }
        eprintln!("languages: {languages:?}");
        for s in services.iter().take(3) {
            eprintln!(
                "example: {} | {} | {:?}",
                s.name, s.description, s.local_offer
            );
        }
    }

    #[test]
    fn fifty_thousand_services_timing() {
        let started = std::time::Instant::now();
        let directory = generate_directory(50_000, 9, today());
        eprintln!(
            "generated {} services and {} organisations in {:?}",
            directory.services.len(),
            directory.organizations.len(),
            started.elapsed()
        );
        assert_eq!(directory.services.len(), 50_000);
    }
}
