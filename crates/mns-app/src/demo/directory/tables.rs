//! The tables the demo directory is generated from: places, needs, categories, service
//! templates, organisations, names, venues and schedules. All invented, as the generator's
//! module says.

/// A place: town, postcode district, latitude, longitude, local area, county, weight.
pub(super) type Place = (
    &'static str,
    &'static str,
    f64,
    f64,
    &'static str,
    &'static str,
    u32,
);

pub(super) const PLACES: [Place; 31] = [
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

pub(super) const NEED_CODES: [&str; 13] = [
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
pub(super) const NEED_TEXT: [(&str, &str); 13] = [
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

pub(super) const CATEGORY_CODES: [&str; 12] = [
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

pub(super) const ACTIVITIES: usize = 0;
pub(super) const SHORT_BREAKS: usize = 1;
pub(super) const EDUCATION: usize = 2;
pub(super) const EARLY_YEARS: usize = 3;
pub(super) const HEALTH: usize = 4;
pub(super) const MENTAL_HEALTH: usize = 5;
pub(super) const SOCIAL_CARE: usize = 6;
pub(super) const FAMILY_SUPPORT: usize = 7;
pub(super) const ADVICE: usize = 8;
pub(super) const ADULTHOOD: usize = 9;
pub(super) const EQUIPMENT: usize = 10;
pub(super) const TRANSPORT: usize = 11;

/// How common each kind of service is: clubs and activities are most of any Local Offer.
pub(super) const CATEGORY_WEIGHTS: [u32; 12] = [5, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1];

pub(super) const DELIVERY_CODES: [&str; 3] = ["in-person", "online", "phone"];

/// Age ranges services are for.
pub(super) const AGE_RANGES: [(u8, u8); 9] = [
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
pub(super) type FixedOrg = (&'static str, &'static str, &'static [usize], &'static str);

pub(super) const COUNCIL: &str = "Norfolk County Council";
pub(super) const NHS: &str = "NHS Norfolk and Waveney";

pub(super) const FIXED_ORGS: [FixedOrg; 9] = [
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
pub(super) const THEMES: [(&str, &str, usize); 16] = [
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

pub(super) const CHARITY_FUNDERS: [&str; 6] = [
    "Norfolk County Council short breaks grant",
    "The National Lottery Community Fund",
    "BBC Children in Need",
    "Norfolk Community Foundation",
    "Parents' fundraising",
    "Local business sponsorship",
];

pub(super) const FIRST_NAMES: [&str; 24] = [
    "Sam", "Priya", "Tom", "Aisha", "Kerry", "James", "Zofia", "Ben", "Hannah", "Marek", "Lucy",
    "Daniel", "Chloe", "Rui", "Emma", "Oliver", "Grace", "Tariq", "Ruth", "Lewis", "Joanna",
    "Gintare", "Nathan", "Megan",
];

pub(super) const LAST_NAMES: [&str; 24] = [
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

pub(super) const VENUES: [&str; 12] = [
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

pub(super) const STREETS: [&str; 14] = [
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

pub(super) const ACCESS_FEATURES: [(&str, f64, Option<&str>); 6] = [
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
pub(super) const LANGUAGES: [(&str, &str, f64); 4] = [
    ("British Sign Language", "bfi", 0.10),
    ("Polish", "pl", 0.06),
    ("Portuguese", "pt", 0.05),
    ("Lithuanian", "lt", 0.04),
];

pub(super) const ALERTS: [&str; 5] = [
    "No sessions over the Easter holidays.",
    "New sessions start in September; the waiting list is open.",
    "Our venue is closed for repairs: sessions have moved to the library for now.",
    "Bookings for the summer holidays open on 1 June.",
    "Phone lines are busy on Mondays; email us for a faster reply.",
];

/// Letters used in the inward part of UK postcodes.
pub(super) const POSTCODE_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// When a service runs, by pattern.
#[derive(Clone, Copy)]
pub(super) enum Pattern {
    AfterSchool,
    Saturday,
    Sunday,
    Holiday,
    Office,
    Morning,
    Evening,
}
